package dev.hotswap.classfile;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a class file's constant pool names, read without loading anything: the classes, and the
 * fields and methods its code refers to. The one place hotswap scans constant pools. Bytes that
 * are not a class file give an empty pool, never an exception.
 */
public final class ConstantPool {
    /** A field or method reference, as the JVM resolves it: owner (internal name), name, descriptor. */
    public record MemberRef(boolean field, boolean interfaceMethod, String owner, String name, String descriptor) {
        @Override
        public String toString() {
            return owner.replace('/', '.') + "." + name + (field ? ":" : "") + descriptor;
        }
    }

    private static final ConstantPool EMPTY = new ConstantPool(new byte[0], new int[0], new byte[0], 0);

    private final byte[] bytes;
    /** Offset of each entry's first byte after its tag; 0 for the unusable slot after a long or double. */
    private final int[] offsets;
    private final byte[] tags;
    /** Offset of the first byte after the pool (the access flags). */
    private final int end;

    private ConstantPool(byte[] bytes, int[] offsets, byte[] tags, int end) {
        this.bytes = bytes;
        this.offsets = offsets;
        this.tags = tags;
        this.end = end;
    }

    /** The internal name of the class the file declares, when it can be read. */
    public Optional<String> thisClass() {
        return end > 0 && end + 4 <= bytes.length ? className(u2(bytes, end + 2)) : Optional.empty();
    }

    /**
     * Where each constant of a class file begins (its tag), by index, 0 for the unusable slot after
     * a long or double; the last element is where the pool ends. For readers of raw class files.
     *
     * @throws IllegalArgumentException when the bytes are not a class file's up to the pool's end
     */
    public static int[] tagOffsets(byte[] bytes) {
        if (bytes.length < 10 || u4(bytes, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = u2(bytes, 8);
        int[] offsets = new int[count + 1];
        int at = 10;
        for (int i = 1; i < count; i++) {
            if (at >= bytes.length) {
                throw new IllegalArgumentException("truncated constant pool");
            }
            offsets[i] = at;
            int tag = bytes[at] & 0xFF;
            switch (tag) {
                case 1 -> at += 3 + u2(bytes, at + 1);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
                case 5, 6 -> {
                    at += 9;
                    i++;
                }
                case 7, 8, 16, 19, 20 -> at += 3;
                case 15 -> at += 4;
                default -> throw new IllegalArgumentException("constant tag " + tag);
            }
        }
        offsets[count] = at;
        return offsets;
    }

    /**
     * The index of the first {@code CONSTANT_Utf8} that is not legal modified UTF-8 as the JVM reads
     * it (JVMS 4.4.7, HotSpot's {@code UTF8::is_legal_utf8}: no zero byte, no byte of the forms
     * {@code 10xxxxxx} or {@code 1111xxxx} leading a character, no cut or over-long sequence), or -1.
     * Such a class file is refused by the JVM at a fresh start ({@code ClassFormatError}).
     *
     * @throws IllegalArgumentException when the bytes are not a class file's up to the pool's end
     */
    public static int illegalUtf8(byte[] bytes) {
        int[] offsets = tagOffsets(bytes);
        for (int i = 1; i < offsets.length - 1; i++) {
            int at = offsets[i];
            if (at != 0 && (bytes[at] & 0xFF) == 1 && !legalUtf8(bytes, at + 3, u2(bytes, at + 1))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean legalUtf8(byte[] b, int from, int length) {
        int end = from + length;
        if (end > b.length) {
            return false;
        }
        for (int i = from; i < end; i++) {
            int c = b[i] & 0xFF;
            if (c == 0) {
                return false;
            }
            if (c < 0x80) {
                continue;
            }
            switch (c >> 4) {
                case 0xC, 0xD -> {
                    int value = (c & 0x1F) << 6;
                    i++;
                    if (i >= end || (b[i] & 0xC0) != 0x80) {
                        return false;
                    }
                    value += b[i] & 0x3F;
                    if (value != 0 && value < 0x80) {
                        return false;
                    }
                }
                case 0xE -> {
                    int value = (c & 0xF) << 12;
                    i += 2;
                    if (i >= end || (b[i - 1] & 0xC0) != 0x80 || (b[i] & 0xC0) != 0x80) {
                        return false;
                    }
                    value += ((b[i - 1] & 0x3F) << 6) + (b[i] & 0x3F);
                    if (value < 0x800) {
                        return false;
                    }
                }
                default -> {
                    return false; // 10xxxxxx leading a character, or 1111xxxx
                }
            }
        }
        return true;
    }

    /** The constant pool of {@code bytes}, or an empty one when they are not a class file that far. */
    public static ConstantPool of(byte[] bytes) {
        return read(bytes).orElse(EMPTY);
    }

    /** The constant pool, or empty when the bytes are not a class file up to its end. */
    public static Optional<ConstantPool> read(byte[] bytes) {
        if (bytes.length < 10 || u4(bytes, 0) != 0xCAFEBABE) {
            return Optional.empty();
        }
        int count = u2(bytes, 8);
        int[] offsets = new int[count];
        byte[] tags = new byte[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            if (at >= bytes.length) {
                return Optional.empty();
            }
            byte tag = bytes[at];
            tags[i] = tag;
            offsets[i] = at + 1;
            int size = switch (tag) {
                case 1 -> at + 3 <= bytes.length ? 2 + u2(bytes, at + 1) : -1;
                case 3, 4, 9, 10, 11, 12, 17, 18 -> 4;
                case 5, 6 -> 8;
                case 7, 8, 16, 19, 20 -> 2;
                case 15 -> 3;
                default -> -1;
            };
            if (size < 0) {
                return Optional.empty();
            }
            at += 1 + size;
            if (tag == 5 || tag == 6) {
                i++; // the slot after a long or double is unusable
            }
        }
        return at <= bytes.length ? Optional.of(new ConstantPool(bytes, offsets, tags, at)) : Optional.empty();
    }

    /** Internal names of every class constant (array classes included, as descriptors). */
    public Set<String> classes() {
        Set<String> result = new LinkedHashSet<>();
        for (int i = 1; i < tags.length; i++) {
            if (tags[i] == 7) {
                className(i).ifPresent(result::add);
            }
        }
        return result;
    }

    /** Every field, method and interface method reference. */
    public Set<MemberRef> members() {
        Set<MemberRef> result = new LinkedHashSet<>();
        for (int i = 1; i < tags.length; i++) {
            if (tags[i] == 9 || tags[i] == 10 || tags[i] == 11) {
                int at = offsets[i];
                Optional<String> owner = className(u2(bytes, at));
                int nat = u2(bytes, at + 2);
                if (owner.isPresent() && valid(nat, 12)) {
                    Optional<String> name = utf8(u2(bytes, offsets[nat]));
                    Optional<String> descriptor = utf8(u2(bytes, offsets[nat] + 2));
                    if (name.isPresent() && descriptor.isPresent()) {
                        result.add(new MemberRef(tags[i] == 9, tags[i] == 11, owner.get(), name.get(), descriptor.get()));
                    }
                }
            }
        }
        return result;
    }

    /**
     * The classes named in the descriptors that linking resolves without a class constant: those
     * of {@code invokedynamic} and dynamic constants, and of method-type constants.
     */
    public Set<String> descriptorClasses() {
        Set<String> result = new LinkedHashSet<>();
        for (int i = 1; i < tags.length; i++) {
            Optional<String> descriptor = Optional.empty();
            if (tags[i] == 16) {
                descriptor = utf8(u2(bytes, offsets[i]));
            } else if (tags[i] == 17 || tags[i] == 18) {
                int nat = u2(bytes, offsets[i] + 2);
                if (valid(nat, 12)) {
                    descriptor = utf8(u2(bytes, offsets[nat] + 2));
                }
            }
            descriptor.ifPresent(d -> {
                for (int at = d.indexOf('L'); at >= 0; at = d.indexOf('L', at)) {
                    int end = d.indexOf(';', at);
                    if (end < 0) {
                        break;
                    }
                    result.add(d.substring(at + 1, end));
                    at = end;
                }
            });
        }
        return result;
    }

    /** The fields the code names, as {@code owner.name}. */
    public Set<String> fieldNames() {
        Set<String> result = new LinkedHashSet<>();
        for (MemberRef ref : members()) {
            if (ref.field()) {
                result.add(ref.owner() + "." + ref.name());
            }
        }
        return result;
    }

    /** True when any of {@code names} is a class constant here. */
    public boolean namesAny(Set<String> names) {
        for (int i = 1; i < tags.length; i++) {
            if (tags[i] == 7 && className(i).filter(names::contains).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** True when the class file names {@code internalName}: as a class constant or in a descriptor or signature. */
    public boolean mentions(String internalName) {
        String inDescriptor = "L" + internalName + ";";
        String generic = "L" + internalName + "<";
        for (int i = 1; i < tags.length; i++) {
            if (tags[i] == 7 && className(i).filter(internalName::equals).isPresent()) {
                return true;
            }
            if (tags[i] == 1) {
                String text = utf8(i).orElse("");
                if (text.contains(inDescriptor) || text.contains(generic)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean valid(int index, int tag) {
        return index > 0 && index < tags.length && tags[index] == tag;
    }

    private Optional<String> className(int index) {
        return valid(index, 7) ? utf8(u2(bytes, offsets[index])) : Optional.empty();
    }

    private Optional<String> utf8(int index) {
        if (!valid(index, 1)) {
            return Optional.empty();
        }
        int at = offsets[index];
        // Modified UTF-8 reads as UTF-8 but for NUL and supplementary characters: enough for names.
        return Optional.of(new String(bytes, at + 2, u2(bytes, at), StandardCharsets.UTF_8));
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int u4(byte[] b, int at) {
        return (u2(b, at) << 16) | u2(b, at + 2);
    }
}

package dev.hotswap.structural;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little of a class file that planting catchers needs, read and written by hand: at
 * start-up every class of the watched folders passes through here, before the JIT has compiled
 * ASM, and a full ASM read and write costs about 0.3 ms a class there (measured: start-up
 * 1.61x instead of 1.19x for 2,000 classes). Methods are only ever appended.
 */
final class RawClassFile {
    /** One method: access flags, name, descriptor. */
    record Method(int access, String name, String descriptor) {
    }

    private final byte[] bytes;
    private final int constantCount;
    private final int[] offsets; // of each constant's tag
    private final int afterConstants;
    private final int methodsCountAt;
    private final int afterMethods;
    final int access;
    final String name;
    final String superName;
    final List<Method> methods = new ArrayList<>();

    RawClassFile(byte[] bytes) {
        this.bytes = bytes;
        if (u4(0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        constantCount = u2(8);
        offsets = new int[constantCount];
        int at = 10;
        for (int i = 1; i < constantCount; i++) {
            offsets[i] = at;
            int tag = bytes[at] & 0xFF;
            at += switch (tag) {
                case 1 -> 3 + u2(at + 1);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> 5;
                case 5, 6 -> 9;
                case 7, 8, 16, 19, 20 -> 3;
                case 15 -> 4;
                default -> throw new IllegalArgumentException("constant tag " + tag);
            };
            if (tag == 5 || tag == 6) {
                i++;
            }
        }
        afterConstants = at;
        access = u2(at);
        name = className(u2(at + 2));
        int superIndex = u2(at + 4);
        superName = superIndex == 0 ? null : className(superIndex);
        at += 6;
        at += 2 + 2 * u2(at);
        at = skipMembers(at, null);
        methodsCountAt = at;
        afterMethods = skipMembers(at, methods);
    }

    private int skipMembers(int at, List<Method> into) {
        int count = u2(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            if (into != null) {
                into.add(new Method(u2(at), utf8(u2(at + 2)), utf8(u2(at + 4))));
            }
            int attributes = u2(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                at += 6 + u4(at + 2);
            }
        }
        return at;
    }

    /** The fields this class's code names, as {@code owner.name}. */
    java.util.Set<String> fieldReferences() {
        java.util.Set<String> result = new java.util.HashSet<>();
        for (int i = 1; i < constantCount; i++) {
            int at = offsets[i];
            if (at != 0 && bytes[at] == 9) {
                int nameAndType = offsets[u2(at + 3)];
                result.add(className(u2(at + 1)) + "." + utf8(u2(nameAndType + 1)));
            }
        }
        return result;
    }

    boolean declares(String member) {
        return methods.stream().anyMatch(m -> (m.name() + m.descriptor()).equals(member));
    }

    /**
     * The class with one public synthetic method added per member ({@code name + descriptor},
     * no parameters but an object) whose body calls the superclass's and returns its result.
     */
    byte[] withSuperCalls(List<String> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64 * members.size());
        try (DataOutputStream data = new DataOutputStream(out)) {
            int next = constantCount;
            ByteArrayOutputStream added = new ByteArrayOutputStream();
            DataOutputStream constants = new DataOutputStream(added);
            int code = next++;
            utf8(constants, "Code");
            int superClass = u2(afterConstants + 4);
            int[][] indexes = new int[members.size()][];
            for (int i = 0; i < members.size(); i++) {
                String member = members.get(i);
                int paren = member.indexOf('(');
                int nameIndex = next++;
                utf8(constants, member.substring(0, paren));
                int descriptorIndex = next++;
                utf8(constants, member.substring(paren));
                int nameAndType = next++;
                constants.writeByte(12);
                constants.writeShort(nameIndex);
                constants.writeShort(descriptorIndex);
                int methodRef = next++;
                constants.writeByte(10);
                constants.writeShort(superClass);
                constants.writeShort(nameAndType);
                indexes[i] = new int[] {nameIndex, descriptorIndex, methodRef};
            }
            if (next > 0xFFFF) {
                throw new IllegalArgumentException("constant pool full");
            }
            data.write(bytes, 0, 8);
            data.writeShort(next);
            data.write(bytes, 10, afterConstants - 10);
            constants.flush();
            added.writeTo(data);
            data.write(bytes, afterConstants, methodsCountAt - afterConstants);
            data.writeShort(methods.size() + members.size());
            data.write(bytes, methodsCountAt + 2, afterMethods - methodsCountAt - 2);
            for (int i = 0; i < members.size(); i++) {
                String member = members.get(i);
                boolean takesObject = member.contains("(Ljava/lang/Object;)");
                boolean returnsObject = member.endsWith(";");
                byte[] body = takesObject
                        ? new byte[] {0x2a, 0x2b, (byte) 0xb7, (byte) (indexes[i][2] >> 8), (byte) indexes[i][2], (byte) 0xac}
                        : new byte[] {0x2a, (byte) 0xb7, (byte) (indexes[i][2] >> 8), (byte) indexes[i][2],
                                (byte) (returnsObject ? 0xb0 : 0xac)};
                int slots = takesObject ? 2 : 1;
                data.writeShort(0x0001 | 0x1000); // public synthetic
                data.writeShort(indexes[i][0]);
                data.writeShort(indexes[i][1]);
                data.writeShort(1);
                data.writeShort(code);
                data.writeInt(12 + body.length);
                data.writeShort(slots); // max stack
                data.writeShort(slots); // max locals
                data.writeInt(body.length);
                data.write(body);
                data.writeShort(0); // exception table
                data.writeShort(0); // attributes
            }
            data.write(bytes, afterMethods, bytes.length - afterMethods);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void utf8(DataOutputStream out, String value) throws IOException {
        out.writeByte(1);
        out.writeUTF(value); // modified UTF-8, as class files use
    }

    private String className(int index) {
        return utf8(u2(offsets[index] + 1));
    }

    private String utf8(int index) {
        int at = offsets[index];
        int length = u2(at + 1);
        boolean ascii = true;
        for (int i = 0; i < length && ascii; i++) {
            ascii = bytes[at + 3 + i] > 0;
        }
        if (ascii) {
            return new String(bytes, at + 3, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes, at + 1, length + 2)).readUTF();
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private int u2(int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private int u4(int at) {
        return (u2(at) << 16) | u2(at + 2);
    }
}

package dev.hotswap.structural;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The little of a class file that planting catchers needs, read and written by hand: at
 * start-up every class of the watched folders passes through here, before the JIT has compiled
 * ASM, and a full ASM read and write costs about 0.3 ms a class there (measured: start-up
 * 1.61x instead of 1.19x for 2,000 classes). Methods are only ever appended.
 */
final class RawClassFile {
    private final byte[] bytes;
    private final int constantCount;
    private final int[] offsets; // of each constant's tag
    private final int afterConstants;
    private final int methodsCountAt;
    private final int afterMethods;
    // Per method: access flags and the constant indexes of its name and descriptor (no strings made).
    private final int[] methodAccess;
    private final int[] methodName;
    private final int[] methodDescriptor;
    final int access;
    final String superName;

    RawClassFile(byte[] bytes) {
        this.bytes = bytes;
        int[] tags = dev.hotswap.classfile.ConstantPool.tagOffsets(bytes);
        constantCount = tags.length - 1;
        offsets = java.util.Arrays.copyOf(tags, constantCount);
        int at = tags[constantCount];
        afterConstants = at;
        access = u2(at);
        int superIndex = u2(at + 4);
        superName = superIndex == 0 ? null : className(superIndex);
        at += 6;
        at += 2 + 2 * u2(at);
        at = skipMembers(at);
        methodsCountAt = at;
        int count = u2(at);
        methodAccess = new int[count];
        methodName = new int[count];
        methodDescriptor = new int[count];
        at += 2;
        for (int i = 0; i < count; i++) {
            methodAccess[i] = u2(at);
            methodName[i] = u2(at + 2);
            methodDescriptor[i] = u2(at + 4);
            at = skipAttributes(at + 6);
        }
        afterMethods = at;
    }

    private int skipMembers(int at) {
        int count = u2(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            at = skipAttributes(at + 6);
        }
        return at;
    }

    private int skipAttributes(int at) {
        int attributes = u2(at);
        at += 2;
        for (int a = 0; a < attributes; a++) {
            at += 6 + u4(at + 2);
        }
        return at;
    }

    /** The access flags of the method {@code name descriptor} this class declares, or -1. */
    int methodAccess(String name, String descriptor) {
        for (int i = 0; i < methodName.length; i++) {
            if (utf8Equals(methodName[i], name) && utf8Equals(methodDescriptor[i], descriptor)) {
                return methodAccess[i];
            }
        }
        return -1;
    }

    /** True when this class declares {@code member}, given as name + descriptor. */
    boolean declares(String member) {
        int paren = member.indexOf('(');
        return methodAccess(member.substring(0, paren), member.substring(paren)) >= 0;
    }

    /**
     * The class with one public synthetic method added per member ({@code name + descriptor},
     * no parameters but an object) whose body calls the superclass's and returns its result.
     * Written straight into one array: this runs for every class loaded at start-up.
     */
    byte[] withSuperCalls(List<String> members) {
        int n = members.size();
        String[] names = new String[n];
        String[] descriptors = new String[n];
        int constantBytes = 7; // "Code"
        for (int i = 0; i < n; i++) {
            String member = members.get(i);
            int paren = member.indexOf('(');
            names[i] = member.substring(0, paren);
            descriptors[i] = member.substring(paren);
            if (!isAscii(member)) {
                throw new IllegalArgumentException("not an ASCII member: " + member);
            }
            constantBytes += 3 + names[i].length() + 3 + descriptors[i].length() + 5 + 5;
        }
        int next = constantCount;
        int code = next++;
        int firstNew = next;
        next += 4 * n;
        if (next > 0xFFFF) {
            throw new IllegalArgumentException("constant pool full");
        }
        int methodBytes = 0;
        for (int i = 0; i < n; i++) {
            methodBytes += 8 + 6 + 12 + bodyLength(descriptors[i]); // method_info, Code header, Code attribute
        }
        byte[] out = new byte[bytes.length + constantBytes + methodBytes];
        System.arraycopy(bytes, 0, out, 0, 8);
        int at = put2(out, 8, next);
        System.arraycopy(bytes, 10, out, at, afterConstants - 10);
        at += afterConstants - 10;
        at = putUtf8(out, at, "Code");
        int superClass = u2(afterConstants + 4);
        for (int i = 0; i < n; i++) {
            int nameIndex = firstNew + 4 * i;
            at = putUtf8(out, at, names[i]);
            at = putUtf8(out, at, descriptors[i]);
            out[at++] = 12;
            at = put2(out, at, nameIndex);
            at = put2(out, at, nameIndex + 1);
            out[at++] = 10;
            at = put2(out, at, superClass);
            at = put2(out, at, nameIndex + 2);
        }
        System.arraycopy(bytes, afterConstants, out, at, methodsCountAt - afterConstants);
        at += methodsCountAt - afterConstants;
        at = put2(out, at, methodName.length + n);
        System.arraycopy(bytes, methodsCountAt + 2, out, at, afterMethods - methodsCountAt - 2);
        at += afterMethods - methodsCountAt - 2;
        for (int i = 0; i < n; i++) {
            int nameIndex = firstNew + 4 * i;
            int methodRef = nameIndex + 3;
            boolean takesObject = descriptors[i].startsWith("(Ljava/lang/Object;)");
            boolean returnsObject = descriptors[i].endsWith(";");
            int slots = takesObject ? 2 : 1;
            int length = bodyLength(descriptors[i]);
            at = put2(out, at, 0x0001 | 0x1000); // public synthetic
            at = put2(out, at, nameIndex);
            at = put2(out, at, nameIndex + 1);
            at = put2(out, at, 1);
            at = put2(out, at, code);
            at = put4(out, at, 12 + length);
            at = put2(out, at, slots); // max stack
            at = put2(out, at, slots); // max locals
            at = put4(out, at, length);
            out[at++] = 0x2a; // aload_0
            if (takesObject) {
                out[at++] = 0x2b; // aload_1
            }
            out[at++] = (byte) 0xb7; // invokespecial
            at = put2(out, at, methodRef);
            out[at++] = (byte) (returnsObject ? 0xb0 : 0xac); // areturn : ireturn
            at = put2(out, at, 0); // exception table
            at = put2(out, at, 0); // attributes
        }
        System.arraycopy(bytes, afterMethods, out, at, bytes.length - afterMethods);
        if (at + bytes.length - afterMethods != out.length) {
            throw new IllegalStateException("catchers miscounted: " + (at + bytes.length - afterMethods) + " of " + out.length);
        }
        return out;
    }

    private static int bodyLength(String descriptor) {
        return descriptor.startsWith("(Ljava/lang/Object;)") ? 6 : 5;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static int putUtf8(byte[] out, int at, String ascii) {
        out[at++] = 1;
        at = put2(out, at, ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            out[at++] = (byte) ascii.charAt(i);
        }
        return at;
    }

    private static int put2(byte[] out, int at, int value) {
        out[at] = (byte) (value >> 8);
        out[at + 1] = (byte) value;
        return at + 2;
    }

    private static int put4(byte[] out, int at, int value) {
        return put2(out, put2(out, at, value >>> 16), value);
    }

    private String className(int index) {
        return utf8(u2(offsets[index] + 1));
    }

    /** True when constant {@code index} is the UTF-8 of {@code ascii}, compared without making a string. */
    private boolean utf8Equals(int index, String ascii) {
        int at = offsets[index];
        int length = u2(at + 1);
        if (length != ascii.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[at + 3 + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
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

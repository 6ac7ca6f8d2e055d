package dev.hotswap.classfile;

/**
 * The JVM's grammar for names and descriptors (JVMS 4.2, 4.3), checked before anything of ours
 * takes a class file's word for them: ASM reads a malformed descriptor without complaint, and the
 * code that later splits it would fail far from the cause. Runs on every instruction of every
 * class parsed: it allocates nothing unless the check fails (where the message is made of
 * {@code place} and {@code name}, say {@code "in "} and a method's name).
 */
final class Descriptors {
    private Descriptors() {
    }

    /** A class file whose names or descriptors break the grammar: reported as such, never as our own failure. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    static void field(String descriptor, String place, String name) {
        if (descriptor == null || fieldEnd(descriptor, 0) != descriptor.length()) {
            throw new Malformed("malformed field descriptor " + descriptor + " " + place + name);
        }
    }

    static void method(String descriptor, String place, String name) {
        if (descriptor == null || !isMethod(descriptor)) {
            throw new Malformed("malformed method descriptor " + descriptor + " " + place + name);
        }
    }

    /** An unqualified name (JVMS 4.2.2): methods may not hold {@code <} or {@code >} but for {@code <init>}, {@code <clinit>}. */
    static void name(String member, boolean method, String place, String name) {
        boolean ok = member != null && !member.isEmpty();
        for (int i = 0; ok && i < member.length(); i++) {
            char c = member.charAt(i);
            ok = c != '.' && c != ';' && c != '[' && c != '/' && (!method || (c != '<' && c != '>'));
        }
        if (!ok && !(method && ("<init>".equals(member) || "<clinit>".equals(member)))) {
            throw new Malformed("malformed member name " + member + " " + place + name);
        }
    }

    /** A class's internal name, or an array descriptor where a class constant may hold one. */
    static void className(String internalName, String place, String name) {
        boolean ok = internalName != null && !internalName.isEmpty() && (internalName.charAt(0) == '['
                ? fieldEnd(internalName, 0) == internalName.length()
                : binaryNameEnd(internalName, 0, internalName.length()));
        if (!ok) {
            throw new Malformed("malformed class name " + internalName + " " + place + name);
        }
    }

    private static boolean isMethod(String d) {
        if (d.isEmpty() || d.charAt(0) != '(') {
            return false;
        }
        int at = 1;
        while (at < d.length() && d.charAt(at) != ')') {
            at = fieldEnd(d, at);
            if (at < 0) {
                return false;
            }
        }
        if (at >= d.length()) {
            return false;
        }
        at++;
        return (at == d.length() - 1 && d.charAt(at) == 'V') || fieldEnd(d, at) == d.length();
    }

    /** Where the field descriptor starting at {@code at} ends, or -1. */
    private static int fieldEnd(String d, int at) {
        int dims = 0;
        while (at < d.length() && d.charAt(at) == '[') {
            at++;
            dims++;
        }
        if (at >= d.length() || dims > 255) {
            return -1;
        }
        char c = d.charAt(at);
        if ("BCDFIJSZ".indexOf(c) >= 0) {
            return at + 1;
        }
        if (c != 'L') {
            return -1;
        }
        int end = d.indexOf(';', at);
        return end > at + 1 && binaryNameEnd(d, at + 1, end) ? end + 1 : -1;
    }

    /** True when {@code d[from, to)} is an internal binary name: segments of unqualified names between slashes. */
    private static boolean binaryNameEnd(String d, int from, int to) {
        if (from >= to || d.charAt(from) == '/' || d.charAt(to - 1) == '/') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = d.charAt(i);
            if (c == '.' || c == ';' || c == '[' || (c == '/' && d.charAt(i - 1) == '/')) {
                return false;
            }
        }
        return true;
    }
}

package dev.hotswap.classfile;

/**
 * The JVM's grammar for names and descriptors (JVMS 4.2, 4.3), checked before anything of ours
 * takes a class file's word for them: ASM reads a malformed descriptor without complaint, and the
 * code that later splits it would fail far from the cause.
 */
final class Descriptors {
    private Descriptors() {
    }

    /** A class file whose names or descriptors break the grammar: reported as such, never as our own failure. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    static void field(String descriptor, String where) {
        if (descriptor == null || fieldEnd(descriptor, 0) != descriptor.length()) {
            throw new Malformed("malformed field descriptor " + descriptor + " " + where);
        }
    }

    static void method(String descriptor, String where) {
        if (descriptor == null || !isMethod(descriptor)) {
            throw new Malformed("malformed method descriptor " + descriptor + " " + where);
        }
    }

    /** An unqualified name (JVMS 4.2.2): methods may not hold {@code <} or {@code >} but for {@code <init>}, {@code <clinit>}. */
    static void name(String name, boolean method, String where) {
        boolean ok = name != null && !name.isEmpty();
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = c != '.' && c != ';' && c != '[' && c != '/' && (!method || (c != '<' && c != '>'));
        }
        if (!ok && !(method && (name.equals("<init>") || name.equals("<clinit>")))) {
            throw new Malformed("malformed member name " + name + " " + where);
        }
    }

    /** A class's internal name, or an array descriptor where a class constant may hold one. */
    static void className(String name, String where) {
        boolean ok = name != null && !name.isEmpty() && (name.startsWith("[") ? fieldEnd(name, 0) == name.length()
                : !name.startsWith("/") && !name.endsWith("/") && !name.contains("//") && name.chars()
                .noneMatch(c -> c == '.' || c == ';' || c == '['));
        if (!ok) {
            throw new Malformed("malformed class name " + name + " " + where);
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
        if (end <= at + 1) {
            return -1;
        }
        String name = d.substring(at + 1, end);
        if (name.startsWith("/") || name.endsWith("/") || name.contains("//") || name.contains(".") || name.contains("[")) {
            return -1;
        }
        return end + 1;
    }
}

package dev.hotswap.structural;

import org.objectweb.asm.Type;

/** The wrapper class of a primitive type, for code the engine writes that boxes or unboxes a value. */
final class Boxes {
    private Boxes() {
    }

    /** The internal name of {@code type}'s wrapper ({@code java/lang/Integer} for {@code int}), or null for a reference type. */
    static String of(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.CHAR -> "java/lang/Character";
            case Type.BYTE -> "java/lang/Byte";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.LONG -> "java/lang/Long";
            case Type.FLOAT -> "java/lang/Float";
            case Type.DOUBLE -> "java/lang/Double";
            default -> null;
        };
    }
}

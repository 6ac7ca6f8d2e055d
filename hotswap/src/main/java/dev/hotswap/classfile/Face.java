package dev.hotswap.classfile;

import java.util.Arrays;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;
import org.objectweb.asm.TypePath;

/**
 * A hash of what reflection shows of a class beyond its members' names, descriptors and flags
 * (which {@link ClassModel} lists): generic signatures, annotations with their values (type,
 * parameter and default ones too), thrown exceptions, parameter names, inner-class and
 * enclosing-method attributes, constant values. Two versions of a class with equal members and an
 * equal face answer reflection alike, whatever their code: a body edit need not make the JDK forget
 * what it cached. Code-level annotations are code, and left out.
 */
final class Face {
    private long hash = 0xcbf29ce484222325L;

    long value() {
        return hash;
    }

    void mix(Object... values) {
        for (Object value : values) {
            int h = value == null ? 0 : value.getClass().isArray() ? Arrays.deepHashCode(new Object[] {value}) : value.hashCode();
            hash = (hash ^ h) * 0x100000001b3L;
        }
    }

    /** Folds an annotation's type, retention and every value, nested ones included, into the hash. */
    AnnotationVisitor annotation(Object... where) {
        mix(where);
        return new AnnotationVisitor(Opcodes.ASM9) {
            @Override
            public void visit(String name, Object value) {
                mix("=", name, value);
            }

            @Override
            public void visitEnum(String name, String descriptor, String value) {
                mix("enum", name, descriptor, value);
            }

            @Override
            public AnnotationVisitor visitAnnotation(String name, String descriptor) {
                return annotation("@", name, descriptor);
            }

            @Override
            public AnnotationVisitor visitArray(String name) {
                return annotation("[", name);
            }

            @Override
            public void visitEnd() {
                mix("end");
            }
        };
    }

    AnnotationVisitor typeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        return annotation("type", typeRef, typePath == null ? null : typePath.toString(), descriptor, visible);
    }

    FieldVisitor field() {
        return new FieldVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                return annotation("@", descriptor, visible);
            }

            @Override
            public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
                return typeAnnotation(typeRef, typePath, descriptor, visible);
            }
        };
    }

    RecordComponentVisitor recordComponent() {
        return new RecordComponentVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                return annotation("@", descriptor, visible);
            }

            @Override
            public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
                return typeAnnotation(typeRef, typePath, descriptor, visible);
            }
        };
    }
}

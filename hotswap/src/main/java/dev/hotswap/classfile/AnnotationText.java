package dev.hotswap.classfile;

import java.util.Arrays;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.TypePath;

/**
 * Every annotation of a class file (on the class, its fields, methods and parameters, with their
 * values) as one text, so that two versions can be compared: a framework reads annotations
 * (a mapping's path, an injection point), and an edit of one alone is no structural change.
 */
public final class AnnotationText {
    private AnnotationText() {
    }

    public static String of(byte[] classFile) {
        StringBuilder out = new StringBuilder();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                return annotation(out.append("\nclass "), descriptor);
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                return new FieldVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        return annotation(out.append("\nfield ").append(name).append(' '), annotation);
                    }
                };
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                String member = name + descriptor;
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        return annotation(out.append("\nmethod ").append(member).append(' '), annotation);
                    }

                    @Override
                    public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
                        return annotation(out.append("\nparameter ").append(member).append('#').append(parameter).append(' '),
                                annotation);
                    }

                    @Override
                    public AnnotationVisitor visitAnnotationDefault() {
                        return values(out.append("\ndefault ").append(member).append(' '));
                    }

                    @Override
                    public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String annotation,
                                                                 boolean visible) {
                        return null;
                    }
                };
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return out.toString();
    }

    private static AnnotationVisitor annotation(StringBuilder out, String descriptor) {
        return values(out.append('@').append(descriptor));
    }

    private static AnnotationVisitor values(StringBuilder out) {
        return new AnnotationVisitor(Opcodes.ASM9) {
            @Override
            public void visit(String name, Object value) {
                out.append(' ').append(name).append('=').append(value instanceof Object[] a ? Arrays.deepToString(a)
                        : value != null && value.getClass().isArray() ? arrayText(value) : String.valueOf(value));
            }

            @Override
            public void visitEnum(String name, String descriptor, String value) {
                out.append(' ').append(name).append('=').append(descriptor).append('.').append(value);
            }

            @Override
            public AnnotationVisitor visitAnnotation(String name, String descriptor) {
                return annotation(out.append(' ').append(name).append('='), descriptor);
            }

            @Override
            public AnnotationVisitor visitArray(String name) {
                out.append(' ').append(name).append("=[");
                return values(out);
            }

            @Override
            public void visitEnd() {
                out.append(';');
            }
        };
    }

    private static String arrayText(Object array) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < java.lang.reflect.Array.getLength(array); i++) {
            b.append(java.lang.reflect.Array.get(array, i)).append(',');
        }
        return b.append(']').toString();
    }
}

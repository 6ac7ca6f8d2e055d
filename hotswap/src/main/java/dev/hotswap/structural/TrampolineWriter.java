package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites a loaded class, with its schema untouched (so that {@code redefineClasses} takes it),
 * so that each method's body is one {@code invokedynamic} to the engine's call site for that
 * method: the class's entries, which the engine points at the newest version. Constructors take
 * the newest version's bodies (they cannot move out of the class); the static initializer is
 * kept as loaded (it never runs again).
 */
final class TrampolineWriter {
    static final Handle ENTRY = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/boot/Link", "entry",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/String;I)"
                    + "Ljava/lang/invoke/CallSite;", false);

    private TrampolineWriter() {
    }

    /**
     * @param loadedBytes the class as the JVM loaded it
     * @param next the newest version, whose constructor bodies are taken
     * @param carrier the loaded constructor that also runs the constructors swaps added
     * @param added the constructors swaps added (descriptors), numbered by their place here
     */
    static byte[] write(byte[] loadedBytes, byte[] next, ClassModel nextModel, CodeRewriter.Loaded loaded,
                        List<String> problems, String carrier, List<String> added) {
        ClassReader reader = new ClassReader(loadedBytes);
        String className = reader.getClassName();
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (name.equals("<init>")) {
                    return new BodyReplacer(mv, () -> {
                        Label dispatch = new Label();
                        boolean carries = descriptor.equals(carrier) && !added.isEmpty();
                        if (carries) {
                            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/hotswap/boot/Link", "takePending",
                                    "()[Ljava/lang/Object;", false);
                            mv.visitInsn(Opcodes.DUP);
                            mv.visitJumpInsn(Opcodes.IFNONNULL, dispatch);
                            mv.visitInsn(Opcodes.POP);
                        }
                        constructorBody(next, descriptor, mv, className, nextModel, loaded, problems);
                        if (carries) {
                            dispatch(mv, dispatch, className, descriptor, next, nextModel, loaded, problems, added);
                        }
                    });
                }
                if (name.equals("<clinit>") || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return mv;
                }
                boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
                return new BodyReplacer(mv, () -> {
                    Type[] parameters = Type.getArgumentTypes(descriptor);
                    int slot = 0;
                    if (!isStatic) {
                        mv.visitVarInsn(Opcodes.ALOAD, 0);
                        slot = 1;
                    }
                    for (Type p : parameters) {
                        mv.visitVarInsn(p.getOpcode(Opcodes.ILOAD), slot);
                        slot += p.getSize();
                    }
                    mv.visitInvokeDynamicInsn(name, isStatic ? descriptor : CodeRewriter.withReceiver(className, descriptor),
                            ENTRY, descriptor, isStatic ? 1 : 0);
                    mv.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
                });
            }
        }, 0);
        return writer.toByteArray();
    }

    /**
     * The carrier's second part, reached with the pending arguments on the stack: for added
     * constructor {@code i}, its arguments go to the local slots its body expects, then its
     * body (from the newest version) runs in this constructor, {@code super(...)} call and all.
     */
    private static void dispatch(MethodVisitor mv, Label dispatch, String className, String carrier, byte[] next,
                                 ClassModel nextModel, CodeRewriter.Loaded loaded, List<String> problems,
                                 List<String> added) {
        List<Object> locals = new java.util.ArrayList<>();
        locals.add(Opcodes.UNINITIALIZED_THIS);
        int slot = 1;
        for (Type p : Type.getArgumentTypes(carrier)) {
            locals.add(frameType(p));
            slot += p.getSize();
        }
        int pending = slot;
        mv.visitLabel(dispatch);
        mv.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 1, new Object[] {"[Ljava/lang/Object;"});
        mv.visitVarInsn(Opcodes.ASTORE, pending);
        locals.add("[Ljava/lang/Object;");
        Object[] frame = locals.toArray();
        mv.visitVarInsn(Opcodes.ALOAD, pending);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitInsn(Opcodes.AALOAD);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Integer");
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Integer", "intValue", "()I", false);
        Label none = new Label();
        Label[] cases = new Label[added.size()];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = new Label();
        }
        mv.visitTableSwitchInsn(0, cases.length - 1, none, cases);
        for (int i = 0; i < cases.length; i++) {
            mv.visitLabel(cases[i]);
            mv.visitFrame(Opcodes.F_NEW, frame.length, frame, 0, new Object[0]);
            String descriptor = added.get(i);
            Type[] parameters = Type.getArgumentTypes(descriptor);
            // All arguments onto the stack first: the slots they go to may hold the pending array.
            for (int j = 0; j < parameters.length; j++) {
                mv.visitVarInsn(Opcodes.ALOAD, pending);
                mv.visitLdcInsn(j + 1);
                mv.visitInsn(Opcodes.AALOAD);
                unbox(mv, parameters[j]);
            }
            int[] slots = new int[parameters.length];
            int s = 1;
            for (int j = 0; j < parameters.length; j++) {
                slots[j] = s;
                s += parameters[j].getSize();
            }
            for (int j = parameters.length - 1; j >= 0; j--) {
                mv.visitVarInsn(parameters[j].getOpcode(Opcodes.ISTORE), slots[j]);
            }
            constructorBody(next, descriptor, mv, className, nextModel, loaded, problems);
        }
        mv.visitLabel(none);
        mv.visitFrame(Opcodes.F_NEW, frame.length, frame, 0, new Object[0]);
        throwNoSuchConstructor(mv, className, "an added constructor");
    }

    private static void unbox(MethodVisitor mv, Type type) {
        String box = Boxes.of(type);
        if (box == null) {
            mv.visitTypeInsn(Opcodes.CHECKCAST, type.getInternalName());
        } else {
            mv.visitTypeInsn(Opcodes.CHECKCAST, box);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, box, type.getClassName() + "Value", "()" + type.getDescriptor(), false);
        }
    }

    static Object frameType(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.LONG -> Opcodes.LONG;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            default -> type.getInternalName();
        };
    }

    private static void throwNoSuchConstructor(MethodVisitor mv, String className, String what) {
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/NoSuchMethodError");
        mv.visitInsn(Opcodes.DUP);
        mv.visitLdcInsn(className.replace('/', '.') + ": " + what + " that a swap removed");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/NoSuchMethodError", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ATHROW);
    }

    /** The newest version's body of a constructor, or a {@code NoSuchMethodError} when it has none any more. */
    private static void constructorBody(byte[] next, String descriptor, MethodVisitor target, String className,
                                        ClassModel nextModel, CodeRewriter.Loaded loaded, List<String> problems) {
        boolean present = nextModel.methods().stream().anyMatch(m -> m.name().equals("<init>") && m.descriptor().equals(descriptor));
        if (present) {
            copyConstructor(next, descriptor, target, className, nextModel, loaded, problems);
        } else {
            throwNoSuchConstructor(target, className, "constructor " + descriptor);
        }
    }

    /** Emits the newest version's body of one constructor into {@code target}, calls rewritten. */
    private static void copyConstructor(byte[] next, String descriptor, MethodVisitor target, String className,
                                        ClassModel nextModel, CodeRewriter.Loaded loaded, List<String> problems) {
        int[] maxLocals = {0};
        new ClassReader(next).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                return !name.equals("<init>") || !desc.equals(descriptor) ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMaxs(int maxStack, int locals) {
                        maxLocals[0] = locals;
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        new ClassReader(next).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                if (!name.equals("<init>") || !desc.equals(descriptor)) {
                    return null;
                }
                // Only the code: annotations and the like were already written from the loaded class.
                return new CodeRewriter(new MethodVisitor(Opcodes.ASM9, target) {
                    @Override
                    public void visitCode() {
                    }

                    @Override
                    public void visitEnd() {
                    }

                    @Override
                    public org.objectweb.asm.AnnotationVisitor visitAnnotation(String d, boolean visible) {
                        return null;
                    }

                    @Override
                    public org.objectweb.asm.AnnotationVisitor visitParameterAnnotation(int p, String d, boolean visible) {
                        return null;
                    }

                    @Override
                    public void visitAnnotableParameterCount(int count, boolean visible) {
                        // Another constructor's (Kotlin writes it): the loaded one's count stands with its annotations.
                    }

                    @Override
                    public void visitParameter(String n, int a) {
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        // computed by the writer once the body is whole
                    }
                }, className, null, nextModel, loaded, problems).holdingFieldsBeforeSuper(maxLocals[0]);
            }
        }, ClassReader.EXPAND_FRAMES); // the carrier mixes bodies: every frame must stand on its own
    }

    /** Keeps a method's annotations and attributes, and replaces its code with what {@code body} emits. */
    private static final class BodyReplacer extends MethodVisitor {
        private final MethodVisitor target;
        private final Runnable body;

        BodyReplacer(MethodVisitor target, Runnable body) {
            super(Opcodes.ASM9, target);
            this.target = target;
            this.body = body;
        }

        @Override
        public void visitCode() {
            target.visitCode();
            body.run();
            mv = null; // drop the old instructions, frames, line numbers and locals
        }

        @Override
        public void visitEnd() {
            target.visitMaxs(0, 0);
            target.visitEnd();
        }
    }
}

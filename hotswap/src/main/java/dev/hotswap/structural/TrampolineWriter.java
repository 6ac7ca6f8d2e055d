package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
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
    static final Handle ENTRY = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/structural/Linker", "entry",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/String;I)"
                    + "Ljava/lang/invoke/CallSite;", false);

    private TrampolineWriter() {
    }

    /**
     * @param loadedBytes the class as the JVM loaded it
     * @param next the newest version, whose constructor bodies are taken
     */
    static byte[] write(byte[] loadedBytes, byte[] next, ClassModel nextModel, CodeRewriter.Loaded loaded,
                        List<String> problems) {
        ClassReader reader = new ClassReader(loadedBytes);
        String className = reader.getClassName();
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (name.equals("<init>")) {
                    return new BodyReplacer(mv, () -> copyConstructor(next, descriptor, mv, className, nextModel, loaded, problems));
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

    /** Emits the newest version's body of one constructor into {@code target}, calls rewritten. */
    private static void copyConstructor(byte[] next, String descriptor, MethodVisitor target, String className,
                                        ClassModel nextModel, CodeRewriter.Loaded loaded, List<String> problems) {
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
                    public void visitParameter(String n, int a) {
                    }

                    @Override
                    public void visitMaxs(int maxStack, int maxLocals) {
                        // computed by the writer once the body is whole
                    }
                }, className, null, nextModel, loaded, problems);
            }
        }, 0);
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

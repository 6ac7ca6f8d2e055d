package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.List;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Attribute;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.ModuleVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;
import org.objectweb.asm.tree.MethodNode;

/**
 * Writes the hidden class that holds one new version of a class: every method with code
 * becomes a static method (an instance method takes the object as its first parameter, so its
 * bytecode is unchanged: local 0 is still {@code this}); constructors and the static
 * initializer stay out (they stay in the class itself); fields stay in the class, reached as a
 * nestmate.
 */
final class VersionWriter {
    private VersionWriter() {
    }

    /** Name of the hidden class's methods for {@code method}: its own, so stack traces read naturally. */
    static String hiddenDescriptor(String className, ClassModel.Member method) {
        return method.is(Opcodes.ACC_STATIC) ? method.descriptor() : CodeRewriter.withReceiver(className, method.descriptor());
    }

    static boolean belongsInHidden(ClassModel.Member method) {
        return !method.name().equals("<init>") && !method.name().equals("<clinit>")
                && !method.is(Opcodes.ACC_ABSTRACT) && !method.is(Opcodes.ACC_NATIVE);
    }

    /** Name of the static initializer re-run for static fields that a version adds or whose initializers changed. */
    static final String CLINIT = "$hotswap$clinit";

    static byte[] write(byte[] next, ClassModel model, String hiddenName, CodeRewriter.Loaded loaded, List<String> problems) {
        return write(next, model, hiddenName, loaded, problems, java.util.Set.of());
    }

    /**
     * @param initialize static fields ({@code name:descriptor}) whose initializers the version's
     *                   static initializer, written as {@link #CLINIT} with only the code that sets
     *                   or reads them ({@link StaticSlices#code}), is to run; stores to others are dropped
     */
    static byte[] write(byte[] next, ClassModel model, String hiddenName, CodeRewriter.Loaded loaded, List<String> problems,
                        java.util.Set<String> initialize) {
        String className = model.name();
        ClassReader reader = new ClassReader(next);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private String sourceFile;

            @Override
            public void visitSource(String source, String debug) {
                super.visitSource(source, debug);
                sourceFile = source;
            }

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Math.max(version, Opcodes.V17), Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                        hiddenName, null, "java/lang/Object", null);
            }

            // The hidden class is a bag of static methods: nothing of the class's own identity.
            @Override
            public ModuleVisitor visitModule(String name, int access, String version) {
                return null;
            }

            @Override
            public void visitNestHost(String nestHost) {
            }

            @Override
            public void visitNestMember(String nestMember) {
            }

            @Override
            public void visitPermittedSubclass(String permittedSubclass) {
            }

            @Override
            public void visitOuterClass(String owner, String name, String descriptor) {
            }

            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
            }

            @Override
            public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
                return null;
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                return null;
            }

            @Override
            public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
                return null;
            }

            @Override
            public void visitAttribute(Attribute attribute) {
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                ClassModel.Member method = new ClassModel.Member(name, descriptor, access);
                if (name.equals("<clinit>")) {
                    return null; // run again, in part, as CLINIT: written at the end
                }
                if (!belongsInHidden(method)) {
                    return null;
                }
                int kept = access & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PRIVATE | Opcodes.ACC_PROTECTED | Opcodes.ACC_VARARGS
                        | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE | Opcodes.ACC_STRICT);
                String hidden = hiddenDescriptor(className, method);
                if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                    // The lock is the object (or the class), not the hidden class: take it explicitly.
                    String body = name + "$synchronized";
                    lockingWrapper(super.visitMethod(kept | Opcodes.ACC_STATIC, name, hidden, signature, exceptions),
                            className, hiddenName, body, hidden, method.is(Opcodes.ACC_STATIC));
                    MethodVisitor mv = super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                            body, hidden, signature, exceptions);
                    return marked(mv, name + descriptor);
                }
                MethodVisitor mv = super.visitMethod(kept | Opcodes.ACC_STATIC, name, hidden, signature, exceptions);
                return marked(mv, name + descriptor);
            }

            @Override
            public void visitEnd() {
                if (!initialize.isEmpty()) {
                    // Only the code that sets those statics (StaticSlices), even where the class has no <clinit>.
                    MethodVisitor clinit = new CodeRewriter(new FrameMarker(super.visitMethod(Opcodes.ACC_STATIC
                            | Opcodes.ACC_SYNTHETIC, CLINIT, "()V", null, null), className, "<clinit>", sourceFile),
                            className, hiddenName, model, loaded, problems, initialize);
                    StaticSlices.code(next, initialize).accept(clinit);
                }
                // Added instance fields' initializers, for objects made before the swap (FieldInitializers).
                for (FieldInitializers.Cut cut : FieldInitializers.cut(next, addedInstanceFields(model, loaded))) {
                    if (cut.method() != null) {
                        MethodNode method = cut.method();
                        method.accept(marked(super.visitMethod(method.access, method.name, method.desc, null, null),
                                "<init>()V"));
                    }
                }
                super.visitEnd();
            }

            /** The method's code rewritten, its frame put back into traces, and its NullPointerExceptions explained. */
            private MethodVisitor marked(MethodVisitor mv, String method) {
                List<NullMessages.Range> ranges = new java.util.ArrayList<>();
                String name = method.substring(0, method.indexOf('('));
                MethodVisitor rewritten = new CodeRewriter(new FrameMarker(mv, className, name, sourceFile, ranges), className,
                        hiddenName, model, loaded, problems).rewriting(method);
                return new NullMessages.Marking(rewritten, method, ranges);
            }
        }, 0);
        return writer.toByteArray();
    }

    /** The instance fields ({@code name:descriptor}) of {@code model} that the class as loaded lacks: their storage is hotswap's. */
    static java.util.Set<String> addedInstanceFields(ClassModel model, CodeRewriter.Loaded loaded) {
        java.util.Set<String> added = new java.util.LinkedHashSet<>();
        for (ClassModel.Member f : model.fields()) {
            if (!f.is(Opcodes.ACC_STATIC) && !loaded.hasField(model.name(), f.name(), f.descriptor(), false)) {
                added.add(f.name() + ":" + f.descriptor());
            }
        }
        return added;
    }

    /**
     * {@code static R m(C self, A a) { synchronized (self) { return m$synchronized(self, a); } }},
     * written by hand with the frame the verifier needs at the exception handler.
     */
    private static void lockingWrapper(MethodVisitor mv, String className, String hiddenName, String body,
                                       String descriptor, boolean isStatic) {
        Type[] parameters = Type.getArgumentTypes(descriptor);
        Type returns = Type.getReturnType(descriptor);
        int lockSlot = 0;
        for (Type p : parameters) {
            lockSlot += p.getSize();
        }
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitCode();
        mv.visitTryCatchBlock(start, end, handler, null);
        if (isStatic) {
            mv.visitLdcInsn(Type.getObjectType(className));
        } else {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
        }
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ASTORE, lockSlot);
        mv.visitInsn(Opcodes.MONITORENTER);
        mv.visitLabel(start);
        int slot = 0;
        for (Type p : parameters) {
            mv.visitVarInsn(p.getOpcode(Opcodes.ILOAD), slot);
            slot += p.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, hiddenName, body, descriptor, false);
        mv.visitVarInsn(Opcodes.ALOAD, lockSlot);
        mv.visitInsn(Opcodes.MONITOREXIT);
        mv.visitLabel(end);
        mv.visitInsn(returns.getOpcode(Opcodes.IRETURN));
        Object[] locals = new Object[parameters.length + 1];
        for (int i = 0; i < parameters.length; i++) {
            locals[i] = TrampolineWriter.frameType(parameters[i]);
        }
        locals[parameters.length] = "java/lang/Object";
        mv.visitLabel(handler);
        mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
        mv.visitVarInsn(Opcodes.ALOAD, lockSlot);
        mv.visitInsn(Opcodes.MONITOREXIT);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(Math.max(3, lockSlot + 2), lockSlot + 1);
        mv.visitEnd();
    }
}

package dev.hotswap.bench;

import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Class files shaped as javac writes them, generated fast enough for thousands of versions. */
final class ClassGen {
    private ClassGen() {
    }

    /** {@code public class name { public static int v() { return value; } }} */
    static byte[] probe(String name, int value) {
        return probe(name, value, false);
    }

    /** As {@link #probe(String, int)}; {@code structural} adds {@code static int extra()}, a method the first version lacks. */
    static byte[] probe(String name, int value, boolean structural) {
        ClassWriter cw = start(name, null);
        if (structural) {
            extra(cw, Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, value);
        }
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "v", "()I", null, null);
        mv.visitCode();
        mv.visitLdcInsn(value);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        return end(cw);
    }

    /** {@code public class name { public static String v() { return text; } }}: a new constant per version. */
    static byte[] text(String name, String text) {
        return text(name, text, false);
    }

    static byte[] text(String name, String text, boolean structural) {
        ClassWriter cw = start(name, null);
        if (structural) {
            extra(cw, Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, text.hashCode());
        }
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "v", "()Ljava/lang/String;", null, null);
        mv.visitCode();
        mv.visitLdcInsn(text);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        return end(cw);
    }

    /**
     * {@code public class name implements IntUnaryOperator { private int m = 31;
     * public int applyAsInt(int x) { return mul(x) + k; } private int mul(int x) { return x * m; } }}:
     * a private field and a private method, which a named version reaches through the engine,
     * where k is never 0 (the JIT would drop "+ 0" and make one version cheaper than the others).
     */
    static byte[] operator(String name, int k) {
        return operator(name, k, false);
    }

    static byte[] operator(String name, int k, boolean structural) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object",
                new String[] {"java/util/function/IntUnaryOperator"});
        cw.visitField(Opcodes.ACC_PRIVATE, "m", "I", null, null).visitEnd();
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitIntInsn(Opcodes.BIPUSH, 31);
        init.visitFieldInsn(Opcodes.PUTFIELD, name, "m", "I");
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        if (structural) {
            extra(cw, Opcodes.ACC_PUBLIC, k);
        }
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "applyAsInt", "(I)I", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, name, "mul", "(I)I", false);
        mv.visitLdcInsn(operatorConstant(k));
        mv.visitInsn(Opcodes.IADD);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        MethodVisitor mul = cw.visitMethod(Opcodes.ACC_PRIVATE, "mul", "(I)I", null, null);
        mul.visitCode();
        mul.visitVarInsn(Opcodes.ILOAD, 1);
        mul.visitVarInsn(Opcodes.ALOAD, 0);
        mul.visitFieldInsn(Opcodes.GETFIELD, name, "m", "I");
        mul.visitInsn(Opcodes.IMUL);
        mul.visitInsn(Opcodes.IRETURN);
        mul.visitMaxs(0, 0);
        mul.visitEnd();
        return end(cw);
    }

    /**
     * {@code public class name implements Supplier { public Object get() { return target.v(); } }}:
     * a plain {@code invokestatic} call site, as compiled code has.
     */
    static byte[] caller(String name, String target) {
        ClassWriter cw = start(name, new String[] {"java/util/function/Supplier"});
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "get", "()Ljava/lang/Object;", null, null);
        mv.visitCode();
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, target, "v", "()Ljava/lang/String;", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        return end(cw);
    }

    /** {@code public class name { public static int sum() { return P0.v() + P1.v() + ...; } }} */
    static byte[] sum(String name, List<String> probes) {
        ClassWriter cw = start(name, null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "sum", "()I", null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.ICONST_0);
        for (String probe : probes) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, probe, "v", "()I", false);
            mv.visitInsn(Opcodes.IADD);
        }
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        return end(cw);
    }

    static int operatorConstant(int k) {
        return 1000 + k;
    }

    /** A method that the first version does not have: adding it makes the change structural. */
    private static void extra(ClassWriter cw, int access, int value) {
        MethodVisitor mv = cw.visitMethod(access, "extra", "()I", null, null);
        mv.visitCode();
        mv.visitLdcInsn(value);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static ClassWriter start(String name, String[] interfaces) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", interfaces);
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        return cw;
    }

    private static byte[] end(ClassWriter cw) {
        cw.visitEnd();
        return cw.toByteArray();
    }
}

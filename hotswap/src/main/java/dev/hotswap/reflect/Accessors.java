package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The objects {@code Method.invoke}, {@code Field.get}/{@code set} and
 * {@code Constructor.newInstance} call for a member the loaded class does not have. The JDK's
 * accessor interfaces live in an unexported package, so each is implemented by a hidden class
 * defined there, one per interface, whose every method calls the handle at its index; the
 * handles lead to {@link Invoke}, which checks arguments as the JDK does and calls the engine.
 */
final class Accessors {
    private final MethodHandles.Lookup trusted;
    private final ClassValue<Maker> makers = new ClassValue<>() {
        @Override
        protected Maker computeValue(Class<?> accessor) {
            try {
                return new Maker(accessor);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    Accessors(MethodHandles.Lookup trusted) {
        this.trusted = trusted;
    }

    /** The JDK accessor interface's methods, in a fixed order, and a way to make instances. */
    final class Maker {
        final List<Method> methods;
        private final MethodHandle constructor;

        Maker(Class<?> accessor) throws ReflectiveOperationException {
            methods = Arrays.stream(accessor.getMethods()).filter(m -> Modifier.isAbstract(m.getModifiers()))
                    .sorted(Comparator.comparing(m -> m.getName() + Type.getMethodDescriptor(m))).toList();
            String name = accessor.getName().replace('.', '/') + "$Hotswap";
            ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            w.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, name, null,
                    "java/lang/Object", new String[] {accessor.getName().replace('.', '/')});
            w.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "h", "[Ljava/lang/invoke/MethodHandle;", null, null)
                    .visitEnd();
            MethodVisitor init = w.visitMethod(0, "<init>", "([Ljava/lang/invoke/MethodHandle;)V", null, null);
            init.visitCode();
            init.visitVarInsn(Opcodes.ALOAD, 0);
            init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
            init.visitVarInsn(Opcodes.ALOAD, 0);
            init.visitVarInsn(Opcodes.ALOAD, 1);
            init.visitFieldInsn(Opcodes.PUTFIELD, name, "h", "[Ljava/lang/invoke/MethodHandle;");
            init.visitInsn(Opcodes.RETURN);
            init.visitMaxs(0, 0);
            init.visitEnd();
            for (int i = 0; i < methods.size(); i++) {
                Method m = methods.get(i);
                String descriptor = Type.getMethodDescriptor(m);
                MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC, m.getName(), descriptor, null, null);
                mv.visitCode();
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitFieldInsn(Opcodes.GETFIELD, name, "h", "[Ljava/lang/invoke/MethodHandle;");
                mv.visitLdcInsn(i);
                mv.visitInsn(Opcodes.AALOAD);
                int slot = 1;
                for (Type p : Type.getArgumentTypes(descriptor)) {
                    mv.visitVarInsn(p.getOpcode(Opcodes.ILOAD), slot);
                    slot += p.getSize();
                }
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", descriptor, false);
                mv.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
                mv.visitMaxs(0, 0);
                mv.visitEnd();
            }
            w.visitEnd();
            Class<?> hidden = trusted.in(accessor).defineHiddenClass(w.toByteArray(), true).lookupClass();
            constructor = trusted.findConstructor(hidden, MethodType.methodType(void.class, MethodHandle[].class))
                    .asType(MethodType.methodType(Object.class, MethodHandle[].class));
        }

        /** An accessor whose methods call {@code target}'s method of the same name (and arity), bound to it. */
        Object make(Object target) throws Throwable {
            MethodHandle[] handles = new MethodHandle[methods.size()];
            for (int i = 0; i < handles.length; i++) {
                Method m = methods.get(i);
                MethodType type = MethodType.methodType(m.getReturnType(), m.getParameterTypes());
                handles[i] = MethodHandles.lookup().findVirtual(target.getClass(), m.getName(), type).bindTo(target);
            }
            return (Object) constructor.invokeExact(handles);
        }
    }

    /** An instance of the JDK's accessor interface {@code accessor} (by name), calling {@code target}. */
    Object make(String accessor, Object target) throws Throwable {
        return makers.get(Class.forName(accessor)).make(target);
    }

}

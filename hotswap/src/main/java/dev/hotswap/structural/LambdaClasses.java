package dev.hotswap.structural;

import dev.hotswap.base.Fatal;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Lambdas of new code on JDK 17–24, whose LambdaMetafactory cannot call a body that lives in a
 * hidden class: a small hidden class per lambda site, in the caller's package (so a non-public
 * functional interface works too), implementing the interface's method as one
 * {@code invokeExact} on the target it holds — a plain call for the JIT, unlike a
 * {@code MethodHandleProxies} instance, which goes through reflection on every call.
 */
final class LambdaClasses {
    private static final MethodHandle BIND;

    static {
        try {
            BIND = MethodHandles.lookup().findStatic(LambdaClasses.class, "bind",
                    MethodType.methodType(MethodHandle.class, MethodHandle.class, MethodType.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LambdaClasses() {
    }

    /**
     * @param type the call site's type: captured values in, the functional interface out
     * @param samName the interface method's name
     * @param samType its erased type
     */
    static CallSite callSite(MethodHandles.Lookup caller, MethodType type, String samName, MethodType samType,
                             MethodHandle implementation) throws ReflectiveOperationException {
        Class<?> functional = type.returnType();
        MethodHandles.Lookup lookup = caller.defineHiddenClass(write(caller.lookupClass(), functional, samName, samType), true);
        MethodHandle constructor = lookup.findConstructor(lookup.lookupClass(),
                MethodType.methodType(void.class, MethodHandle.class)).asType(MethodType.methodType(functional, MethodHandle.class));
        if (type.parameterCount() == 0) {
            Object instance;
            try {
                instance = constructor.invoke(implementation.asType(samType));
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e);
                throw new java.lang.reflect.UndeclaredThrowableException(e); // a constructor that only stores a field
            }
            return new ConstantCallSite(MethodHandles.constant(functional, instance));
        }
        MethodHandle binder = MethodHandles.insertArguments(BIND, 0, implementation, samType)
                .asCollector(Object[].class, type.parameterCount());
        return new ConstantCallSite(MethodHandles.filterReturnValue(binder, constructor).asType(type));
    }

    private static MethodHandle bind(MethodHandle implementation, MethodType samType, Object[] captured) {
        return MethodHandles.insertArguments(implementation, 0, captured).asType(samType);
    }

    private static byte[] write(Class<?> host, Class<?> functional, String samName, MethodType samType) {
        String name = host.getPackageName().replace('.', '/') + (host.getPackageName().isEmpty() ? "" : "/")
                + "HotswapLambda";
        String handle = "Ljava/lang/invoke/MethodHandle;";
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, name, null,
                "java/lang/Object", new String[] {Type.getInternalName(functional)});
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "target", handle, null, null).visitEnd();
        MethodVisitor init = cw.visitMethod(0, "<init>", "(" + handle + ")V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitVarInsn(Opcodes.ALOAD, 1);
        init.visitFieldInsn(Opcodes.PUTFIELD, name, "target", handle);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        String descriptor = samType.toMethodDescriptorString();
        MethodVisitor sam = cw.visitMethod(Opcodes.ACC_PUBLIC, samName, descriptor, null, null);
        sam.visitCode();
        sam.visitVarInsn(Opcodes.ALOAD, 0);
        sam.visitFieldInsn(Opcodes.GETFIELD, name, "target", handle);
        forwardExact(sam, descriptor, 1);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * Ends a method whose stack holds a {@code MethodHandle}: pushes the method's parameters of
     * {@code descriptor} from local {@code firstSlot} on, calls {@code invokeExact}, returns its result.
     */
    static void forwardExact(MethodVisitor mv, String descriptor, int firstSlot) {
        int slot = firstSlot;
        for (Type parameter : Type.getArgumentTypes(descriptor)) {
            mv.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
            slot += parameter.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", descriptor, false);
        mv.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}

package dev.hotswap.structural;

import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.runtime.ObjectMethods;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * A record's {@code toString}, {@code equals} and {@code hashCode}: javac writes each as an
 * {@code invokedynamic} of {@link ObjectMethods} whose constants are getters of the record's
 * fields. When a swap added or re-typed a component, its field is not in the loaded class (it
 * lives in side storage) and such a getter could not resolve; the call is then bootstrapped here,
 * with the getters the engine gives every access to that field, and the JDK's own
 * {@link ObjectMethods} builds the method from them.
 */
final class RecordMethods {
    static final Handle JDK = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/runtime/ObjectMethods", "bootstrap",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/TypeDescriptor;Ljava/lang/Class;"
                    + "Ljava/lang/String;[Ljava/lang/invoke/MethodHandle;)Ljava/lang/Object;", false);
    static final Handle ENGINE = new Handle(Opcodes.H_INVOKESTATIC, "dev/hotswap/boot/Link", "objectMethods",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/Class;"
                    + "Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)Ljava/lang/invoke/CallSite;", false);

    private RecordMethods() {
    }

    /**
     * The arguments for {@link #ENGINE} when an {@link ObjectMethods} call names a field the
     * loaded class lacks (record class, component names, field names joined by ';', field
     * descriptors one after another); null when every getter resolves as written.
     */
    static Object[] throughEngine(CodeRewriter.Loaded loaded, Handle bootstrap, Object[] arguments) {
        if (!bootstrap.equals(JDK) || arguments.length < 2) {
            return null;
        }
        boolean lacking = false;
        StringBuilder names = new StringBuilder();
        StringBuilder descriptors = new StringBuilder();
        for (int i = 2; i < arguments.length; i++) {
            if (!(arguments[i] instanceof Handle getter) || getter.getTag() != Opcodes.H_GETFIELD) {
                return null;
            }
            lacking |= !loaded.hasField(getter.getOwner(), getter.getName(), getter.getDesc(), false);
            names.append(i > 2 ? ";" : "").append(getter.getName());
            descriptors.append(getter.getDesc());
        }
        return lacking ? new Object[] {arguments[0], arguments[1], names.toString(), descriptors.toString()} : null;
    }

    /** The bootstrap: each getter is the engine's read of that field, as rewritten code reads it. */
    static CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type, Class<?> recordClass,
                              String components, String fields, String descriptors) throws Throwable {
        String[] names = fields.isEmpty() ? new String[0] : fields.split(";");
        Type[] types = Type.getArgumentTypes("(" + descriptors + ")V");
        if (names.length != types.length) {
            throw new IllegalArgumentException("fields " + fields + " do not match descriptors " + descriptors);
        }
        MethodHandle[] getters = new MethodHandle[names.length];
        for (int i = 0; i < names.length; i++) {
            String descriptor = types[i].getDescriptor();
            Class<?> fieldType = MethodType.fromMethodDescriptorString("()" + descriptor,
                    caller.lookupClass().getClassLoader()).returnType();
            getters[i] = Linker.field(caller, names[i], MethodType.methodType(fieldType, recordClass), Opcodes.GETFIELD,
                    recordClass, descriptor).dynamicInvoker();
        }
        // A version's code may name the record by a supertype it can see (Relocator): the JDK wants the record itself.
        MethodType exact = type.changeParameterType(0, recordClass);
        CallSite site = (CallSite) ObjectMethods.bootstrap(caller, name, exact, recordClass, components, getters);
        return exact.equals(type) ? site : new ConstantCallSite(site.getTarget().asType(type));
    }
}

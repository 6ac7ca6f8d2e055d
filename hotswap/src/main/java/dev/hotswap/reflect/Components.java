package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * A record's components as its newest version declares them. The JVM answers from the
 * {@code Record} attribute the class was loaded with, which a redefinition cannot change; a
 * component the loaded record has keeps the JVM's object, one a swap added or re-typed is made
 * here, with the newest accessor. Made components carry no annotations of their own (the
 * field, the accessor and the constructor's parameter carry the ones javac copies there).
 */
final class Components {
    private final MethodHandle make;
    private final VarHandle clazz;
    private final VarHandle name;
    private final VarHandle type;
    private final VarHandle accessor;
    private final VarHandle signature;
    /** {@code Method.copy()}: the view's methods are roots, never handed out themselves. */
    private final MethodHandle copy;

    Components(MethodHandles.Lookup trusted) throws ReflectiveOperationException {
        make = trusted.findConstructor(RecordComponent.class, MethodType.methodType(void.class));
        clazz = trusted.findVarHandle(RecordComponent.class, "clazz", Class.class);
        name = trusted.findVarHandle(RecordComponent.class, "name", String.class);
        type = trusted.findVarHandle(RecordComponent.class, "type", Class.class);
        accessor = trusted.findVarHandle(RecordComponent.class, "accessor", Method.class);
        signature = trusted.findVarHandle(RecordComponent.class, "signature", String.class);
        copy = trusted.findVirtual(Method.class, "copy", MethodType.methodType(Method.class));
    }

    /** The newest components of the class {@code view} shows; {@code vm} (the JVM's answer) when it is no record. */
    RecordComponent[] of(View view, RecordComponent[] vm) throws Throwable {
        if (vm == null || view.declared.components().isEmpty()) {
            return vm;
        }
        List<Declared.Component> newest = view.declared.components().get();
        ClassLoader loader = view.type.getClassLoader();
        Method[] methods = view.methods(false);
        RecordComponent[] out = new RecordComponent[newest.size()];
        for (int i = 0; i < out.length; i++) {
            Declared.Component c = newest.get(i);
            Class<?> componentType = MethodType.fromMethodDescriptorString("()" + c.descriptor(), loader).returnType();
            for (RecordComponent loaded : vm) {
                if (loaded.getName().equals(c.name()) && loaded.getType() == componentType) {
                    out[i] = loaded;
                }
            }
            if (out[i] == null) {
                RecordComponent made = (RecordComponent) make.invokeExact();
                clazz.set(made, view.type);
                name.set(made, c.name());
                type.set(made, componentType);
                Method root = accessorOf(methods, c.name(), componentType);
                accessor.set(made, root == null ? null : (Method) copy.invokeExact(root));
                signature.set(made, c.signature());
                out[i] = made;
            }
        }
        return out;
    }

    private static Method accessorOf(Method[] methods, String name, Class<?> componentType) {
        for (Method m : methods) {
            if (m.getName().equals(name) && m.getParameterCount() == 0 && m.getReturnType() == componentType) {
                return m;
            }
        }
        return null;
    }
}

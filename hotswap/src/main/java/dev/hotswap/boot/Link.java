package dev.hotswap.boot;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The bootstrap methods, and the few static calls, that code written by hotswap's structural
 * engine names in its constant pool: public because application classes link to them, and
 * nothing but a forwarder to the core ({@link Links}), which answers any caller with no more than
 * its own class may reach. Holds nothing.
 */
public final class Link {
    private static final Links LINKS = Boot.core().links();

    private Link() {
    }

    public static CallSite entry(MethodHandles.Lookup caller, String name, MethodType type, String descriptor,
                                 int isStatic) {
        return LINKS.entry(caller, name, type, descriptor, isStatic);
    }

    public static CallSite call(MethodHandles.Lookup caller, String name, MethodType type, int kind, Class<?> owner,
                                String descriptor) {
        return LINKS.call(caller, name, type, kind, owner, descriptor);
    }

    public static CallSite lambda(MethodHandles.Lookup caller, String name, MethodType type, Object... args)
            throws LambdaConversionException, NoSuchMethodException, IllegalAccessException {
        return LINKS.lambda(caller, name, type, args);
    }

    public static CallSite lambdaOf(MethodHandles.Lookup caller, String name, MethodType type, MethodType samType,
                                    int tag, Class<?> owner, String member, String descriptor)
            throws NoSuchMethodException, IllegalAccessException {
        return LINKS.lambdaOf(caller, name, type, samType, tag, owner, member, descriptor);
    }

    public static CallSite field(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> owner,
                                 String descriptor) {
        return LINKS.field(caller, name, type, opcode, owner, descriptor);
    }

    public static CallSite objectMethods(MethodHandles.Lookup caller, String name, MethodType type, Class<?> recordClass,
                                         String components, String fields, String descriptors) throws Throwable {
        return LINKS.objectMethods(caller, name, type, recordClass, components, fields, descriptors);
    }

    public static Class<?> type(MethodHandles.Lookup caller, String name, Class<?> type, String internalName) {
        return LINKS.type(caller, name, type, internalName);
    }

    public static CallSite typeOp(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> of) {
        return LINKS.typeOp(caller, name, type, opcode, of);
    }

    public static CallSite create(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner,
                                  String descriptor) {
        return LINKS.create(caller, name, type, owner, descriptor);
    }

    public static CallSite construct(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner,
                                     String descriptor) {
        return LINKS.construct(caller, name, type, owner, descriptor);
    }

    public static Throwable passing(Throwable thrown, int line, String className, String method, String file) {
        return LINKS.passing(thrown, line, className, method, file);
    }

    public static Throwable helpful(Throwable thrown, String key) {
        return LINKS.helpful(thrown, key);
    }

    public static Object[] takePending() {
        return LINKS.takePending();
    }

    /**
     * The handles a bridge calls (the engine's bridge for a class loader that cannot see this
     * class), in the order of {@link #bridged()}: called reflectively by a bridge's static initializer.
     */
    public static MethodHandle[] bridgeHandles() throws IllegalAccessException {
        List<Method> methods = bridged();
        MethodHandle[] handles = new MethodHandle[methods.size()];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = MethodHandles.lookup().unreflect(methods.get(i)).asFixedArity();
        }
        return handles;
    }

    /** The methods a bridge mirrors: this class's public static ones whose types are all the JDK's own. */
    public static List<Method> bridged() {
        List<Method> methods = new ArrayList<>();
        for (Method m : Link.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && jdkOnly(m)
                    && !m.getName().equals("bridgeHandles") && !m.getName().equals("bridged")) {
                methods.add(m);
            }
        }
        methods.sort(Comparator.comparing((Method m) -> m.getName() + MethodType.methodType(m.getReturnType(),
                m.getParameterTypes()).toMethodDescriptorString()));
        return methods;
    }

    private static boolean jdkOnly(Method m) {
        List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
        types.add(m.getReturnType());
        for (Class<?> t : types) {
            while (t.isArray()) {
                t = t.getComponentType();
            }
            if (!t.isPrimitive() && t.getModule() != Object.class.getModule()) {
                return false;
            }
        }
        return true;
    }
}

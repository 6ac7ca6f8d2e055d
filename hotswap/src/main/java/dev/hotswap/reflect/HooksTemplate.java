package dev.hotswap.reflect;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Map;

/**
 * Never loaded under this name: its class file is renamed {@code java.lang.HotswapHooks} and
 * defined in {@code java.base} ({@link JdkHooks}), where the JDK's reflection calls it in place
 * of the natives and parsers it used to call. Each hook only forwards to a handle that
 * {@link Mirror} sets through the trusted lookup; the member lists are package-private (only
 * {@code java.lang.Class} may ask for them unfiltered), the rest answer nothing that public
 * reflection does not.
 */
final class HooksTemplate {
    private static volatile MethodHandle declaredFields;
    private static volatile MethodHandle declaredMethods;
    private static volatile MethodHandle declaredConstructors;
    private static volatile MethodHandle recordComponents;
    private static volatile MethodHandle permittedSubclasses;
    private static volatile MethodHandle classAnnotations;
    private static volatile MethodHandle annotations;
    private static volatile MethodHandle parameterAnnotations;
    private static volatile MethodHandle memberValue;
    private static volatile MethodHandle parameters;
    private static volatile MethodHandle typeAnnotations;
    private static volatile MethodHandle lookup;
    private static volatile MethodHandle offsetOf;
    private static volatile MethodHandle seen;

    private HooksTemplate() {
    }

    static Field[] declaredFields(Class<?> type, boolean publicOnly) throws Throwable {
        return (Field[]) declaredFields.invokeExact(type, publicOnly);
    }

    static Method[] declaredMethods(Class<?> type, boolean publicOnly) throws Throwable {
        return (Method[]) declaredMethods.invokeExact(type, publicOnly);
    }

    static Constructor<?>[] declaredConstructors(Class<?> type, boolean publicOnly) throws Throwable {
        return (Constructor<?>[]) declaredConstructors.invokeExact(type, publicOnly);
    }

    static java.lang.reflect.RecordComponent[] recordComponents(Class<?> type) throws Throwable {
        return (java.lang.reflect.RecordComponent[]) recordComponents.invokeExact(type);
    }

    static Class<?>[] permittedSubclasses(Class<?> type) throws Throwable {
        return (Class<?>[]) permittedSubclasses.invokeExact(type);
    }

    static Map<Class<? extends Annotation>, Annotation> classAnnotations(byte[] raw, Object pool, Class<?> type)
            throws Throwable {
        return (Map<Class<? extends Annotation>, Annotation>) classAnnotations.invokeExact(raw, pool, type);
    }

    public static Map<Class<? extends Annotation>, Annotation> annotations(byte[] raw, Object pool, Class<?> type)
            throws Throwable {
        return (Map<Class<? extends Annotation>, Annotation>) annotations.invokeExact(raw, pool, type);
    }

    public static Annotation[][] parameterAnnotations(byte[] raw, Object pool, Class<?> type) throws Throwable {
        return (Annotation[][]) parameterAnnotations.invokeExact(raw, pool, type);
    }

    public static Object memberValue(Class<?> type, java.nio.ByteBuffer raw, Object pool, Class<?> container) throws Throwable {
        return (Object) memberValue.invokeExact(type, raw, pool, container);
    }

    public static Parameter[] parameters(Object executable) throws Throwable {
        return (Parameter[]) parameters.invokeExact(executable);
    }

    public static byte[] typeAnnotations(Object member) throws Throwable {
        return (byte[]) typeAnnotations.invokeExact(member);
    }

    public static MethodHandle lookup(Object lookup, String method, Object a, Object b, Object c, Object d) throws Throwable {
        MethodHandle h = HooksTemplate.lookup;
        return h == null ? null : (MethodHandle) h.invokeExact(lookup, method, a, b, c, d);
    }

    public static void offsetOf(Object field) throws Throwable {
        MethodHandle h = offsetOf;
        if (h != null) {
            h.invokeExact(field);
        }
    }

    /**
     * A framework object was made (an application context, an object mapper): its constructor,
     * rewritten as it loaded, says so here, so that hotswap's follower of that framework knows it.
     * Never throws into that constructor.
     */
    public static void seen(Object made) {
        MethodHandle h = seen;
        if (h != null) {
            try {
                h.invokeExact(made);
            } catch (VirtualMachineError e) {
                throw e; // the JVM's own failure goes on (java.base cannot see dev.hotswap.base.Fatal)
            } catch (Throwable e) {
                // the framework's object is just not followed
            }
        }
    }
}

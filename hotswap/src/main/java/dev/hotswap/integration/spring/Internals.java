package dev.hotswap.integration.spring;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;

/**
 * Spring's own caches and protected steps, reached by name: what Spring offers no public way to
 * forget or redo. Each reach says what it wants; a Spring that has moved it answers empty, and
 * the caller turns that into a warning.
 */
final class Internals {
    private Internals() {
    }

    /** The value of a field declared by {@code owner} (or a superclass) on {@code target}. */
    static Optional<Object> field(Object target, Class<?> owner, String name) {
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return Optional.ofNullable(f.get(target));
            } catch (NoSuchFieldException e) {
                // up the hierarchy
            } catch (ReflectiveOperationException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Removes {@code key} from the map held in a field; true when the field was found. */
    static boolean forget(Object target, Class<?> owner, String mapField, Object key) {
        Optional<Object> map = field(target, owner, mapField);
        map.filter(Map.class::isInstance).ifPresent(m -> ((Map<?, ?>) m).remove(key));
        return map.isPresent();
    }

    /** Empties the map held in a field. */
    static void clear(Object target, Class<?> owner, String mapField) {
        field(target, owner, mapField).filter(Map.class::isInstance).ifPresent(m -> ((Map<?, ?>) m).clear());
    }

    /** Calls a (protected) method declared by {@code owner} or a superclass; rethrows what the method threw. */
    static Object call(Object target, Class<?> owner, String name, Class<?>[] parameters, Object... args) throws Exception {
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            Method m;
            try {
                m = k.getDeclaredMethod(name, parameters);
            } catch (NoSuchMethodException e) {
                continue;
            }
            m.setAccessible(true);
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }
        throw new NoSuchMethodException(owner.getName() + "." + name);
    }
}

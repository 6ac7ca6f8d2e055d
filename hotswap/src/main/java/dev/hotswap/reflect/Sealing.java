package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Class.isSealed()} and {@code getPermittedSubclasses()} as the source says. Sealed
 * classes of the watched folders load without their {@code PermittedSubclasses} (the JVM would
 * refuse a subclass a later compile adds, and lets no redefinition change the list), so the JVM
 * answers that they are not sealed; reflection answers instead from the list the class file had
 * as it loaded, or, for a class under the engine, from its newest version's.
 */
final class Sealing {
    private final MethodHandle raw;
    /** The lists stripped at load, by loader and internal name. */
    private final Planted strippedAtLoad = new Planted();

    Sealing(MethodHandles.Lookup trusted) throws ReflectiveOperationException {
        raw = trusted.findVirtual(Class.class, "getPermittedSubclasses0", MethodType.methodType(Class[].class));
    }

    void stripped(ClassLoader loader, String internalName, List<String> permitted) {
        strippedAtLoad.record(loader, internalName, permitted);
    }

    /** The JVM's own answer: null unless the class loaded with its list. */
    Class<?>[] asLoaded(Class<?> type) {
        try {
            return (Class<?>[]) raw.invokeExact(type);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // the native declares nothing checked
        }
    }

    /**
     * The permitted subclasses as the source says, for a class the JVM does not have as sealed:
     * {@code newest} (the class's newest version, when it is under the engine) decides, else the
     * list stripped at load. Classes that cannot be loaded are left out, as the JVM leaves them out.
     */
    Class<?>[] answer(Class<?> type, Declared newest) {
        List<String> names = newest != null ? newest.permitted().orElse(List.of()) : strippedAtLoad.of(type);
        if (names.isEmpty()) {
            return null;
        }
        List<Class<?>> found = new ArrayList<>();
        for (String name : names) {
            try {
                found.add(Class.forName(name.replace('/', '.'), false, type.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                // not there (any more): the JVM's own answer leaves such a class out too
            }
        }
        return found.toArray(Class<?>[]::new);
    }
}

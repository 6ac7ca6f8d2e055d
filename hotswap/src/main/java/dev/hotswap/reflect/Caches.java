package dev.hotswap.reflect;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the JDK caches per class about its members and annotations, forgotten after a batch for
 * the classes that changed shape and every class inheriting from them; {@code java.beans}'
 * {@code Introspector} too, when the program loaded it.
 */
final class Caches {
    private final Instrumentation instrumentation;
    private final Consumer<String> problems;
    private final VarHandle reflectionData;
    private final VarHandle annotationData;
    private final VarHandle annotationType;

    Caches(Instrumentation instrumentation, MethodHandles.Lookup trusted, Consumer<String> problems)
            throws ReflectiveOperationException {
        this.instrumentation = instrumentation;
        this.problems = problems;
        reflectionData = trusted.findVarHandle(Class.class, "reflectionData", java.lang.ref.SoftReference.class);
        annotationData = trusted.findVarHandle(Class.class, "annotationData", Class.forName("java.lang.Class$AnnotationData"));
        annotationType = trusted.findVarHandle(Class.class, "annotationType",
                Class.forName("sun.reflect.annotation.AnnotationType"));
    }

    void forget(Set<Class<?>> changed) {
        List<Class<?>> reshaped = new ArrayList<>();
        Class<?> introspector = null;
        for (Class<?> k : instrumentation.getAllLoadedClasses()) {
            if (k.getClassLoader() != null && inherits(k, changed)) {
                reflectionData.setVolatile(k, null);
                annotationData.setVolatile(k, null);
                annotationType.setVolatile(k, null); // an annotation interface's elements and defaults
                reshaped.add(k);
            } else if (k.getName().equals("java.beans.Introspector") && k.getClassLoader() == null) {
                introspector = k;
            }
        }
        if (introspector != null) {
            // java.beans caches what it found per class; only when the program loaded it.
            try {
                Method flush = introspector.getMethod("flushFromCaches", Class.class);
                for (Class<?> k : reshaped) {
                    flush.invoke(null, k);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                problems.accept("hotswap: java.beans.Introspector may describe the classes as before the swap (" + e + ")");
            }
        }
    }

    private static boolean inherits(Class<?> k, Set<Class<?>> types) {
        for (Class<?> c = k; c != null; c = c.getSuperclass()) {
            if (types.contains(c)) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (inherits(i, types)) {
                    return true;
                }
            }
        }
        return false;
    }
}

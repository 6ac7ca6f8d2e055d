package dev.hotswap.reflect;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of hotswap's catchers ({@code toString()}, {@code hashCode()}, {@code equals(Object)})
 * each class was loaded with, by loader and internal name: recorded as the class loads, before
 * its {@code Class} exists, so that reflection can leave them out and a redefinition keep them.
 */
final class Planted {
    private final Map<ClassLoader, Map<String, List<String>>> byLoader = new WeakHashMap<>();

    synchronized void record(ClassLoader loader, String internalName, List<String> members) {
        byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>()).put(internalName, List.copyOf(members));
    }

    /** The catchers (name + descriptor) the class was loaded with; empty when none. */
    List<String> of(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return List.of();
        }
        Map<String, List<String>> names;
        synchronized (this) {
            names = byLoader.get(loader);
        }
        if (names == null) {
            return List.of();
        }
        List<String> members = names.get(type.getName().replace('.', '/'));
        return members == null ? List.of() : members;
    }
}

package dev.hotswap.reload;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The loaded classes of a name, without walking every loaded class of the JVM for each batch
 * (tens of thousands in a framework's app). What a walk found for a name is kept (weakly: it does
 * not keep a class from unloading) until a class of that name is defined again, which the
 * agent's transformer tells; a name found nowhere is walked for again each time (a class of it may
 * be defining at that moment).
 */
final class LoadedIndex {
    private final Supplier<Class<?>[]> everyLoadedClass;
    private final Map<String, List<WeakReference<Class<?>>>> known = new ConcurrentHashMap<>();

    LoadedIndex(Supplier<Class<?>[]> everyLoadedClass) {
        this.everyLoadedClass = everyLoadedClass;
    }

    /**
     * A class of this internal name is being defined: what is known of the name is no longer all
     * there is. Called for every class the JVM defines, so it does nothing unless the name is
     * known (no class of the engine is loaded for it at start-up); a version the engine defines
     * carries its class's name but is never what a batch replaces.
     */
    void defining(ClassLoader loader, String internalName) {
        if (known.isEmpty()) {
            return;
        }
        String name = internalName.replace('/', '.');
        if (known.containsKey(name) && !dev.hotswap.structural.Engine.isVersionLoader(loader)) {
            known.remove(name);
        }
    }

    /** The loaded classes (not arrays) of these binary names; a name with none is absent. */
    Map<String, List<Class<?>>> of(Set<String> names) {
        Map<String, List<Class<?>>> result = new HashMap<>();
        Set<String> unknown = new HashSet<>();
        for (String name : names) {
            List<WeakReference<Class<?>>> refs = known.get(name);
            List<Class<?>> classes = refs == null ? null : alive(refs);
            if (classes == null) {
                unknown.add(name);
            } else {
                result.put(name, classes);
            }
        }
        if (!unknown.isEmpty()) {
            Map<String, List<Class<?>>> found = new HashMap<>();
            for (Class<?> type : everyLoadedClass.get()) {
                if (!type.isArray() && unknown.contains(type.getName())) {
                    found.computeIfAbsent(type.getName(), n -> new ArrayList<>()).add(type);
                }
            }
            found.forEach((name, classes) -> known.put(name, classes.stream().map(k -> new WeakReference<Class<?>>(k)).toList()));
            result.putAll(found);
        }
        return result;
    }

    /** The classes still there, or null when one of them went (unloaded): walked for again. */
    private static List<Class<?>> alive(List<WeakReference<Class<?>>> refs) {
        List<Class<?>> classes = new ArrayList<>(refs.size());
        for (WeakReference<Class<?>> ref : refs) {
            Class<?> type = ref.get();
            if (type == null) {
                return null;
            }
            classes.add(type);
        }
        return classes;
    }
}

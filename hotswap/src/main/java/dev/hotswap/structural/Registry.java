package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the engine runs: the classes under it and their versions, found by class or, for code that
 * must not load classes (a transformer), by loader and internal name; the classes running under
 * another name than compiled; and the classes whose code the engine wrote, the only callers its
 * bootstrap methods serve. Written only when a batch is published ({@link Transaction}); read
 * from any thread without a lock.
 */
final class Registry {
    private final Map<Class<?>, Managed> managed = new ConcurrentHashMap<>();
    private final Map<ClassLoader, Map<String, Managed>> byName = new ConcurrentHashMap<>();
    /** Classes that run under another name than compiled (anonymous classes renumbered by javac), by loader. */
    private final Map<ClassLoader, Map<String, String>> renamed = new ConcurrentHashMap<>();
    /** Per loader, the internal names of classes defined (or redefined) with bytes the engine wrote. */
    private final Map<ClassLoader, Set<String>> written = new ConcurrentHashMap<>();
    /** Hidden classes the engine defined (versions, switch-table runners), weakly, with the class each runs for. */
    private final Map<Class<?>, Class<?>> hidden = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * Which version a hidden class holds, so its calls can fall back on its own siblings. A
     * ClassValue, so the hidden class is not kept alive by this table (a WeakHashMap whose value
     * refers to its key would).
     */
    private final ClassValue<AtomicReference<Version>> versionOf = new ClassValue<>() {
        @Override
        protected AtomicReference<Version> computeValue(Class<?> type) {
            return new AtomicReference<>();
        }
    };
    /** The batch being committed, for classes that load meanwhile; null otherwise. */
    private volatile InFlight inFlight;
    private int generation;

    /** A batch between its commit and its publication: the classes it brings under the engine and their next versions. */
    record InFlight(Map<ClassLoader, Map<String, Managed>> fresh, Map<Managed, ClassModel> next,
                    Map<Managed, Map<String, Integer>> epochs) {
    }

    Optional<Managed> of(Class<?> type) {
        return Optional.ofNullable(managed.get(type));
    }

    Managed get(Class<?> type) {
        return managed.get(type);
    }

    boolean manages(Class<?> type) {
        return managed.containsKey(type);
    }

    Iterable<Managed> all() {
        return managed.values();
    }

    /** A class under the engine (or coming under it with the batch in flight), by loader and internal name. */
    Managed named(ClassLoader loader, String internalName) {
        if (loader == null) {
            return null;
        }
        Map<String, Managed> classes = byName.get(loader);
        Managed m = classes == null ? null : classes.get(internalName);
        InFlight batch = inFlight;
        if (m == null && batch != null) {
            Map<String, Managed> fresh = batch.fresh().get(loader);
            m = fresh == null ? null : fresh.get(internalName);
        }
        return m;
    }

    /** The internal names of the classes of {@code loader} under the engine, the batch in flight's included. */
    Set<String> names(ClassLoader loader) {
        Map<String, Managed> classes = byName.getOrDefault(loader, Map.of());
        InFlight batch = inFlight;
        Map<String, Managed> fresh = batch == null ? Map.of() : batch.fresh().getOrDefault(loader, Map.of());
        if (fresh.isEmpty()) {
            return classes.keySet();
        }
        Set<String> all = new java.util.HashSet<>(classes.keySet());
        all.addAll(fresh.keySet());
        return all;
    }

    boolean hasClassesOf(ClassLoader loader) {
        InFlight batch = inFlight;
        return loader != null && (byName.containsKey(loader) || (batch != null && batch.fresh().containsKey(loader)));
    }

    /** The newest version's schema of a class: the batch in flight's when it has one. */
    Optional<ClassModel> newest(Managed m) {
        InFlight batch = inFlight;
        ClassModel next = batch == null ? null : batch.next().get(m);
        Version current = m.current;
        return Optional.ofNullable(next != null ? next : current != null ? current.model() : null);
    }

    /** How often the field came into a version of the class that lacked it (the batch in flight's counts first). */
    int epoch(Managed m, String name, String descriptor, boolean isStatic) {
        InFlight batch = inFlight;
        Map<String, Integer> epochs = batch == null ? null : batch.epochs().get(m);
        return (epochs != null ? epochs : m.fieldEpochs).getOrDefault(Managed.fieldKey(name, descriptor, isStatic), 0);
    }

    /** True for a field the class was loaded with that a swap removed and a later one brought back: a new field now. */
    boolean retired(Managed m, String name, String descriptor, boolean isStatic) {
        return LoadRewriter.declares(m.loaded, true, name, descriptor, isStatic) && epoch(m, name, descriptor, isStatic) > 0;
    }

    void inFlight(InFlight batch) {
        inFlight = batch;
    }

    Map<String, String> renamed(ClassLoader loader) {
        return loader == null ? Map.of() : renamed.getOrDefault(loader, Map.of());
    }

    Iterable<Map<String, String>> allRenamed() {
        return renamed.values();
    }

    int generation() {
        return generation;
    }

    /** Records a published batch. Called under the engine's lock. */
    void publish(Map<Class<?>, Managed> fresh, int generation, Optional<Map.Entry<ClassLoader, Map<String, String>>> names) {
        this.generation = generation;
        managed.putAll(fresh);
        fresh.values().forEach(m -> byName.computeIfAbsent(m.type.getClassLoader(), l -> new ConcurrentHashMap<>())
                .put(m.loaded.name(), m));
        names.ifPresent(e -> renamed.put(e.getKey(), Map.copyOf(e.getValue())));
    }

    // ---- who may call the bootstrap methods ----

    /**
     * Records that {@code loader}'s class {@code internalName} runs bytes the engine wrote. Never
     * forgotten: an older frame of the class may still run those bytes and link their call sites,
     * and no bytes the class can be given later name the engine unless the engine wrote them (a
     * class file that does is refused, or loads as compiled without being recorded).
     */
    void wrote(ClassLoader loader, String internalName) {
        // A named version redefined in place is known by its loader already: keeping the loader here would keep it loaded.
        if (loader != null && !(loader instanceof VersionLoader)) {
            written.computeIfAbsent(loader, l -> ConcurrentHashMap.newKeySet()).add(internalName);
        }
    }

    void definedHidden(Class<?> hiddenClass, Class<?> host, Version version) {
        hidden.put(hiddenClass, host);
        if (version != null) {
            versionOf.get(hiddenClass).set(version);
        }
    }

    Optional<Version> versionOf(Class<?> hiddenClass) {
        return Optional.ofNullable(versionOf.get(hiddenClass).get());
    }

    /** The class a hidden class of the engine's runs code for, or empty when the engine did not define it. */
    Optional<Class<?>> hostOf(Class<?> hiddenClass) {
        return Optional.ofNullable(hidden.get(hiddenClass));
    }

    /** True when {@code type}'s code was written by the engine: a version, a class under it, a class it rewrote. */
    boolean engineWrote(Class<?> type) {
        if (type.isHidden() || VersionLoader.isVersion(type)) {
            return hidden.containsKey(type);
        }
        if (managed.containsKey(type)) {
            return true;
        }
        Set<String> names = type.getClassLoader() == null ? null : written.get(type.getClassLoader());
        return names != null && names.contains(type.getName().replace('.', '/'));
    }
}

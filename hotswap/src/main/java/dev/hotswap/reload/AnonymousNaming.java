package dev.hotswap.reload;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.InvalidClassFileException;
import dev.hotswap.structural.Engine;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The names a batch's classes run as: javac numbers anonymous classes in source order, so an
 * inserted one takes another's name; each loaded anonymous class keeps the content of its own
 * shape ({@link AnonymousClasses}), and the batch is renamed to match. Reload thread only.
 */
final class AnonymousNaming {
    private final Instrumentation instrumentation;
    private final RunningBytes running;
    private final Roots roots;
    private final EngineSlot engine;
    private final Consumer<String> detail;

    AnonymousNaming(Instrumentation instrumentation, RunningBytes running, Roots roots, EngineSlot engine,
                    Consumer<String> detail) {
        this.instrumentation = instrumentation;
        this.running = running;
        this.roots = roots;
        this.engine = engine;
        this.detail = detail;
    }

    /** Candidates under the names they run as, and the names to record once applied. */
    record Naming(List<Candidate> candidates, Optional<Map<String, String>> names) {
    }

    /**
     * Gives each anonymous class of the batch the class it is to run as ({@link AnonymousClasses})
     * and renames it in every class of the batch. Needs the engine only when some name changes.
     */
    Naming name(List<Candidate> candidates) {
        Map<String, AnonymousClasses.Shape> batch = new HashMap<>();
        Set<String> prefixes = new java.util.HashSet<>();
        for (Candidate c : candidates) {
            AnonymousClasses.prefix(c.model().name()).ifPresent(prefix -> {
                prefixes.add(prefix);
                batch.put(c.model().name(), new AnonymousClasses.Shape(c.model().superName(), c.model().interfaces()));
            });
        }
        if (batch.isEmpty()) {
            // A compile without anonymous classes still names them: by what they run as.
            Map<String, String> running = engine.existing().map(Engine::renamedInOnlyLoader).orElse(Map.of());
            return running.isEmpty() ? new Naming(candidates, Optional.empty()) : new Naming(rename(candidates, running),
                    Optional.empty());
        }
        Map<String, AnonymousClasses.Shape> loaded = new HashMap<>();
        ClassLoader loader = null;
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            String name = type.getName().replace('.', '/');
            if (type.isArray() || type.isHidden() || type.getClassLoader() == null
                    || !AnonymousClasses.prefix(name).filter(prefixes::contains).isPresent()
                    || running.location(type.getProtectionDomain()).flatMap(roots::rootOf).isEmpty()) {
                continue;
            }
            loader = type.getClassLoader();
            Class<?> superclass = type.getSuperclass();
            loaded.put(name, new AnonymousClasses.Shape(superclass == null ? "" : superclass.getName().replace('.', '/'),
                    Arrays.stream(type.getInterfaces())
                    .map(i -> i.getName().replace('.', '/')).toList()));
        }
        ClassLoader classLoader = loader;
        Map<String, String> current = engine.existing().map(e -> e.renamed(classLoader)).orElse(Map.of());
        Map<String, String> names = AnonymousClasses.assign(current, batch, loaded);
        Map<String, String> all = new HashMap<>(current);
        // An older name whose class now runs another content is forgotten.
        all.entrySet().removeIf(e -> !names.containsKey(e.getKey()) && names.containsValue(e.getValue()));
        all.putAll(names);
        all.entrySet().removeIf(e -> e.getKey().equals(e.getValue()));
        if ((all.isEmpty() && current.isEmpty()) || engine.get().isEmpty()) {
            return new Naming(candidates, Optional.empty());
        }
        List<Candidate> renamed = rename(candidates, all);
        List<String> moved = names.entrySet().stream().filter(e -> !e.getKey().equals(e.getValue()))
                .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey().replace('/', '.') + " as " + e.getValue().replace('/', '.'))
                .toList();
        if (!moved.isEmpty()) {
            detail.accept("hotswap: javac renumbered anonymous classes; each loaded one keeps its own content: "
                    + String.join(", ", moved).replaceFirst(" as ", " runs as "));
        }
        return new Naming(renamed, Optional.of(Map.copyOf(all)));
    }

    private static List<Candidate> rename(List<Candidate> candidates, Map<String, String> names) {
        List<Candidate> renamed = new ArrayList<>();
        for (Candidate c : candidates) {
            byte[] bytes = Engine.rename(c.bytes(), names);
            try {
                renamed.add(bytes == null ? c : new Candidate(c.file(), bytes, ClassModel.parse(bytes), c.compiled()));
            } catch (InvalidClassFileException e) {
                renamed.add(c); // cannot happen for bytes ASM wrote from a class that parsed; keep it as compiled
            }
        }
        return renamed;
    }

}

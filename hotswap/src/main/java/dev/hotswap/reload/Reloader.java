package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.Change;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.ConstantPool;
import dev.hotswap.classfile.Classifier;
import dev.hotswap.classfile.InvalidClassFileException;
import dev.hotswap.classfile.LinkCheck;
import dev.hotswap.structural.Catchers;
import dev.hotswap.structural.Engine;
import dev.hotswap.watch.Debouncer;
import java.io.IOException;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.Opcodes;

/**
 * The pipeline for one batch of changed class files: read and parse each, match it with the
 * classes the JVM has loaded, classify the change, and apply the whole batch with one
 * {@code redefineClasses} call, or nothing. Runs on the reload thread only.
 */
final class Reloader implements Debouncer.BatchHandler {
    /** How soon a batch holding a half-written class file is looked at again. */
    static final Duration RETRY_STEP = Duration.ofMillis(40);
    /** Packages only the JDK may define; a class file claiming one is never ours to replace. */
    private static final List<String> JDK_PACKAGES = List.of("java/", "jdk/", "sun/");

    private final Instrumentation instrumentation;
    private final Roots roots;
    private final RunningBytes running;
    private final Reporter reporter;
    private final Duration giveUpAfter;
    private final EngineSlot engine;
    private final Map<Path, Long> unreadableSince = new HashMap<>();
    /**
     * Class files of batches that were refused or failed, by class name: the program still runs
     * their previous versions. A later batch that names one of them, or is named by one, takes
     * them in again (transitively), so that what was compiled together goes in together: a
     * compile the build happened to write in two bursts cannot get half in (the second half
     * compiled against a refused first half). Reload thread only.
     */
    private final Map<Path, String> held = new LinkedHashMap<>();
    /** Set when the batch being handled ends refused or failed. */
    private boolean refusedNow;
    /**
     * Classes of the batch being handled that no compile can make swappable (a JDK class, one
     * loaded from elsewhere, a file at the wrong path): never held, or they would hold back every
     * later batch that names them.
     */
    private final Set<String> unswappable = new java.util.HashSet<>();

    /**
     * A class file that parsed; {@code compiled} is the class it holds as compiled, which the
     * model names too unless the class runs under another name ({@link AnonymousClasses}).
     */
    private record Candidate(Path file, byte[] bytes, ClassModel model, String compiled) {
        Candidate(Path file, byte[] bytes, ClassModel model) {
            this(file, bytes, model, model.name());
        }

        String name() {
            return model.javaName();
        }

        boolean renamed() {
            return !compiled.equals(model.name());
        }
    }

    /** Candidates under the names they run as, what to define, and the names to record once applied. */
    private record Naming(List<Candidate> candidates, Optional<Map<String, String>> names) {
    }

    /** A loaded class and the bytes it is to run; {@code structural} when the engine takes it. */
    private record Target(Class<?> type, Candidate candidate, Optional<RunningBytes.Running> running, boolean structural) {
    }

    Reloader(Instrumentation instrumentation, Roots roots, RunningBytes running, Reporter reporter, Duration giveUpAfter,
             EngineSlot engine) {
        this.instrumentation = instrumentation;
        this.engine = engine;
        this.roots = roots;
        this.running = running;
        this.reporter = reporter;
        this.giveUpAfter = giveUpAfter;
    }

    /**
     * Runs the parsing and classifying code once on our own class file, so that the first real
     * swap does not pay for loading and interpreting it (tens of milliseconds otherwise).
     */
    void warmUp() {
        try (var in = Reloader.class.getResourceAsStream("Reloader.class")) {
            if (in != null) {
                byte[] bytes = in.readAllBytes();
                Classifier.diff(ClassModel.parse(bytes), ClassModel.parse(bytes));
                Reporter.line(new ReloadOutcome.Reloaded(List.of("warm.Up"), Duration.ZERO), "");
            }
        } catch (IOException | InvalidClassFileException | RuntimeException e) {
            // only a head start: the first swap will do the same work anyway
        }
    }

    private Optional<Engine> engine() {
        return engine.get();
    }

    /** The engine if this JVM has one already (made by this session or an earlier one), without making one. */
    private Optional<Engine> existingEngine() {
        return engine.existing();
    }

    private boolean manages(Class<?> type) {
        // An earlier session's engine took classes over: they stay its own.
        return existingEngine().filter(e -> e.manages(type)).isPresent();
    }

    @Override
    public Optional<Duration> handle(Set<Path> batch) {
        long started = System.nanoTime();
        List<Path> files = new ArrayList<>(batch);
        files.sort(null);
        List<Candidate> candidates = new ArrayList<>();
        Map<Path, String> unreadable = new LinkedHashMap<>();
        for (Path file : files) {
            Optional<Path> root = roots.rootOf(file);
            String fileName = file.getFileName().toString();
            if (root.isEmpty() || fileName.equals("module-info.class") || fileName.equals("package-info.class")) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                unreadableSince.remove(file); // deleted, or replaced by delete + create: its creation comes as an event
                continue;
            } catch (IOException e) {
                unreadable.put(file, "cannot be read (" + e + ")");
                continue;
            }
            try {
                candidates.add(new Candidate(file, bytes, ClassModel.parse(bytes)));
                unreadableSince.remove(file);
            } catch (InvalidClassFileException e) {
                unreadable.put(file, "is " + e.getMessage());
            }
        }
        if (!unreadable.isEmpty()) {
            return waitOrGiveUp(candidates, unreadable);
        }
        candidates = joinHeld(candidates);
        refusedNow = false;
        unswappable.clear();
        try {
            planBatch(candidates, started);
        } finally {
            for (Candidate c : candidates) {
                if (refusedNow && !unswappable.contains(c.name())) {
                    held.put(c.file(), c.model().name());
                } else {
                    held.remove(c.file());
                }
            }
        }
        return Optional.empty();
    }

    private void planBatch(List<Candidate> candidates, long started) {
        List<Reason> refusals = new ArrayList<>();
        for (Candidate c : candidates) {
            String name = c.model().name();
            if (!c.file().endsWith(Path.of(name + ".class"))) {
                refusals.add(new Reason(c.name(), "", "the file " + c.file() + " holds class " + c.name()
                        + ", but a class file must sit at the path of its own name (" + name + ".class)",
                        Kind.MISPLACED_CLASS_FILE));
            } else if (JDK_PACKAGES.stream().anyMatch(name::startsWith)) {
                refusals.add(new Reason(c.name(), "", "is a JDK class; hotswap never replaces JDK classes", Kind.JDK_CLASS));
            }
        }
        if (!refusals.isEmpty()) {
            refusals.forEach(r -> unswappable.add(r.className()));
            refuse(List.of(), refusals, "fix or remove that class file");
            return;
        }
        Naming naming = nameAnonymousClasses(candidates);
        plan(naming, started);
    }

    /**
     * The batch with the held class files it is related to ({@link #held}), read again: a
     * held file that names a class of the batch or is named by one, and so on. A held file that
     * is gone or does not parse any more is dropped from what is held.
     */
    private List<Candidate> joinHeld(List<Candidate> batch) {
        if (held.isEmpty()) {
            return batch;
        }
        List<Candidate> joined = new ArrayList<>(batch);
        Set<Path> files = new java.util.HashSet<>();
        batch.forEach(c -> files.add(c.file()));
        List<String> rejoined = new ArrayList<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<Path, String> h : new ArrayList<>(held.entrySet())) {
                if (files.contains(h.getKey()) || !related(h.getKey(), h.getValue(), joined)) {
                    continue;
                }
                try {
                    byte[] bytes = Files.readAllBytes(h.getKey());
                    Candidate c = new Candidate(h.getKey(), bytes, ClassModel.parse(bytes));
                    joined.add(c);
                    files.add(h.getKey());
                    rejoined.add(c.name());
                    grew = true;
                } catch (IOException | InvalidClassFileException e) {
                    held.remove(h.getKey()); // gone or rewritten halfway: its own event brings it back
                }
            }
        }
        if (!rejoined.isEmpty()) {
            rejoined.sort(null);
            reporter.detail("hotswap: taken in again with this batch, compiled with it after an earlier refusal: "
                    + Reporter.names(rejoined));
        }
        return joined;
    }

    /** True when the held class {@code name} (in {@code file}) and a class of {@code batch} name one another. */
    private static boolean related(Path file, String name, List<Candidate> batch) {
        for (Candidate c : batch) {
            if (mentions(c.bytes(), name)) {
                return true;
            }
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return false;
        }
        for (Candidate c : batch) {
            if (mentions(bytes, c.model().name())) {
                return true;
            }
        }
        return false;
    }

    /** True when the class file names {@code internalName}: as a class constant or in a descriptor or signature. */
    static boolean mentions(byte[] bytes, String internalName) {
        return ConstantPool.of(bytes).mentions(internalName);
    }

    /**
     * Gives each anonymous class of the batch the class it is to run as ({@link AnonymousClasses})
     * and renames it in every class of the batch. Needs the engine only when some name changes.
     */
    private Naming nameAnonymousClasses(List<Candidate> candidates) {
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
            Map<String, String> running = existingEngine().map(Engine::renamedInOnlyLoader).orElse(Map.of());
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
        Map<String, String> current = existingEngine().map(e -> e.renamed(classLoader)).orElse(Map.of());
        Map<String, String> names = AnonymousClasses.assign(current, batch, loaded);
        Map<String, String> all = new HashMap<>(current);
        // An older name whose class now runs another content is forgotten.
        all.entrySet().removeIf(e -> !names.containsKey(e.getKey()) && names.containsValue(e.getValue()));
        all.putAll(names);
        all.entrySet().removeIf(e -> e.getKey().equals(e.getValue()));
        if ((all.isEmpty() && current.isEmpty()) || engine().isEmpty()) {
            return new Naming(candidates, Optional.empty());
        }
        List<Candidate> renamed = rename(candidates, all);
        List<String> moved = names.entrySet().stream().filter(e -> !e.getKey().equals(e.getValue()))
                .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey().replace('/', '.') + " as " + e.getValue().replace('/', '.'))
                .toList();
        if (!moved.isEmpty()) {
            reporter.detail("hotswap: javac renumbered anonymous classes; each loaded one keeps its own content: "
                    + String.join(", ", moved).replaceFirst(" as ", " runs as "));
        }
        return new Naming(renamed, Optional.of(Map.copyOf(all)));
    }

    private Optional<Duration> waitOrGiveUp(List<Candidate> candidates, Map<Path, String> unreadable) {
        long now = System.nanoTime();
        long firstSeen = unreadable.keySet().stream()
                .mapToLong(f -> unreadableSince.computeIfAbsent(f, k -> now)).min().orElse(now);
        if (now - firstSeen < giveUpAfter.toNanos()) {
            reporter.detail("hotswap: waiting for " + unreadable.keySet().iterator().next().getFileName()
                    + " to be written completely");
            return Optional.of(RETRY_STEP);
        }
        unreadable.keySet().forEach(unreadableSince::remove);
        List<Reason> reasons = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        candidates.forEach(c -> classes.add(c.name()));
        unreadable.forEach((file, why) -> {
            String name = roots.rootOf(file).map(r -> Roots.expectedName(r, file).replace('/', '.')).orElse(file.toString());
            classes.add(name);
            reasons.add(new Reason(name, "", file + " " + why + " after " + giveUpAfter.toMillis() + " ms",
                    Kind.UNREADABLE_CLASS_FILE));
        });
        classes.sort(null);
        reporter.outcome(new ReloadOutcome.Refused(classes, reasons),
                "the batch goes in whole or not at all; recompile and the next complete build is applied");
        return Optional.empty();
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

    private void plan(Naming naming, long started) {
        List<Candidate> candidates = naming.candidates();
        Map<String, List<Class<?>>> loaded = loaded(candidates);
        // Renamed classes that nothing loaded yet: the engine defines them; their hosts go to the engine.
        List<Candidate> toDefine = candidates.stream().filter(c -> c.renamed() && !loaded.containsKey(c.name())).toList();
        Set<String> hosts = new java.util.HashSet<>();
        toDefine.forEach(c -> hosts.add(c.model().nestHost().orElse(c.model().name())));
        List<Reason> refusals = new ArrayList<>();
        List<Reason> structural = new ArrayList<>();
        Set<String> hints = new LinkedHashSet<>();
        List<Target> targets = new ArrayList<>();
        List<String> notLoaded = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Candidate c : candidates) {
            List<Class<?>> ours = new ArrayList<>();
            List<String> elsewhere = new ArrayList<>();
            for (Class<?> type : loaded.getOrDefault(c.name(), List.of())) {
                ClassLoader loader = type.getClassLoader();
                if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
                    refusals.add(new Reason(c.name(), "", "is a JDK class (loaded by the "
                            + (loader == null ? "boot" : "platform") + " class loader); hotswap never replaces JDK classes",
                            Kind.JDK_CLASS));
                    continue;
                }
                Optional<Path> location = running.location(type.getProtectionDomain());
                if (location.isPresent() && location.get().resolve(c.compiled() + ".class").equals(c.file())) {
                    ours.add(type);
                } else {
                    elsewhere.add(location.map(Path::toString).orElse("a source hotswap cannot see (" + loader + ")"));
                }
            }
            if (ours.isEmpty() && !elsewhere.isEmpty()) {
                refusals.add(new Reason(c.name(), "", "was loaded from " + elsewhere.get(0)
                        + ", not from the watched folder that holds " + c.file()
                        + "; only classes loaded from a watched folder are reloaded", Kind.NOT_FROM_WATCHED_FOLDER));
            }
            if (!loaded.containsKey(c.name()) && !c.renamed()) {
                notLoaded.add(c.name());
            }
            for (Class<?> type : ours) {
                if (!instrumentation.isModifiableClass(type)) {
                    refusals.add(new Reason(c.name(), "", "the JVM does not allow this class to be modified",
                            Kind.NOT_MODIFIABLE));
                    continue;
                }
                Optional<RunningBytes.Running> now = running.of(type, instrumentation);
                if (now.isPresent() && Arrays.equals(now.get().bytes, c.bytes())) {
                    unchanged.add(c.name());
                    continue;
                }
                List<Change> changes = now.flatMap(RunningBytes.Running::model)
                        .map(model -> Classifier.diff(model, c.model())).orElse(List.of());
                boolean engineTakes = now.flatMap(RunningBytes.Running::model).isPresent()
                        && (manages(type) || ((!changes.isEmpty() || hosts.contains(c.model().name())) && engine().isPresent()));
                if (engineTakes) {
                    for (Engine.Problem problem : engine().orElseThrow().unsupported(type, now.get().model().orElseThrow(), c.model())) {
                        structural.add(reason(problem));
                        if (!problem.hint().isEmpty()) {
                            hints.add(problem.hint());
                        }
                    }
                } else {
                    // Without a model of the running version, the JVM's own check still stands behind us.
                    for (Change change : changes) {
                        structural.add(new Reason(c.name(), change.member(), change.description(),
                                Kind.valueOf(change.kind().name()), change.oldDescriptor(), change.newDescriptor()));
                    }
                }
                targets.add(new Target(type, c, now, engineTakes));
            }
        }
        if (refusals.isEmpty() && structural.isEmpty()) {
            refusals.addAll(unresolved(candidates, targets, toDefine));
        }
        if (!notLoaded.isEmpty()) {
            reporter.detail("hotswap: not loaded yet, the new version loads when first used: " + Reporter.names(notLoaded));
        }
        if (!unchanged.isEmpty()) {
            reporter.detail("hotswap: unchanged, skipped: " + Reporter.names(unchanged));
        }
        // A file naming what does not exist is held like any refused one: a compile can fix it.
        refusals.stream().filter(r -> r.kind() != Kind.UNRESOLVED_REFERENCE).forEach(r -> unswappable.add(r.className()));
        if (!refusals.isEmpty() || !structural.isEmpty()) {
            List<Reason> all = new ArrayList<>(structural);
            all.addAll(refusals);
            boolean linking = refusals.stream().anyMatch(r -> r.kind() == Kind.UNRESOLVED_REFERENCE);
            refuse(targets.stream().map(t -> t.candidate().name()).toList(), all, linking
                    ? "the new bytes name what does not exist (a corrupt or stale class file): rebuild; nothing was applied"
                    : structural.isEmpty() ? ""
                    : !hints.isEmpty() ? String.join("; ", hints)
                    : engine().isPresent()
                    ? "a structural change no running JVM can take (an existing class's superclass, interfaces, class modifiers, "
                    + "record components, permitted subclasses, a volatile modifier added to a field stay as loaded): "
                    + "undo it, or restart the program"
                    : "a structural change, which the JVM's HotSwap cannot swap (it replaces method bodies only) and "
                    + "hotswap's structural engine is not available in this JVM: undo it, or restart the program");
            return;
        }
        if (targets.isEmpty()) {
            return;
        }
        apply(targets, toDefine, naming.names(), started);
    }

    /**
     * The references of the batch's new bytes that do not resolve ({@link LinkCheck}): such a
     * class file passed the JVM's checks but would throw a {@code LinkageError} at its first call.
     */
    private List<Reason> unresolved(List<Candidate> candidates, List<Target> targets, List<Candidate> toDefine) {
        Map<String, ClassModel> batch = new HashMap<>();
        candidates.forEach(c -> batch.put(c.model().name(), c.model()));
        Map<ClassLoader, LinkClasses> byLoader = new HashMap<>();
        List<Reason> reasons = new ArrayList<>();
        java.util.function.BiConsumer<Candidate, Optional<byte[]>> check = (c, before) -> {
            ClassLoader loader = targets.stream().filter(t -> t.candidate() == c).findFirst().map(t -> t.type().getClassLoader())
                    .orElseGet(() -> targets.isEmpty() ? null : targets.get(0).type().getClassLoader());
            if (loader == null) {
                return;
            }
            LinkClasses classes = byLoader.computeIfAbsent(loader, l -> new LinkClasses(batch, l, running, instrumentation));
            for (LinkCheck.Unresolved u : LinkCheck.check(c.bytes(), before, classes)) {
                reasons.add(new Reason(c.name(), u.reference(), "names " + u.reference() + ": " + u.why(),
                        Kind.UNRESOLVED_REFERENCE));
            }
        };
        for (Target t : targets) {
            check.accept(t.candidate(), t.running().map(r -> r.bytes));
        }
        toDefine.forEach(c -> check.accept(c, Optional.empty()));
        return reasons;
    }

    private Map<String, List<Class<?>>> loaded(List<Candidate> candidates) {
        Set<String> wanted = new LinkedHashSet<>();
        candidates.forEach(c -> wanted.add(c.name()));
        Map<String, List<Class<?>>> loaded = new HashMap<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (!type.isArray() && wanted.contains(type.getName())) {
                loaded.computeIfAbsent(type.getName(), n -> new ArrayList<>()).add(type);
            }
        }
        return loaded;
    }

    private void apply(List<Target> targets, List<Candidate> toDefine, Optional<Map<String, String>> names,
                       long started) {
        List<ClassDefinition> plain = new ArrayList<>();
        List<Engine.Structural> structural = new ArrayList<>();
        for (Target t : targets) {
            if (t.structural()) {
                RunningBytes.Running now = t.running().orElseThrow();
                structural.add(new Engine.Structural(t.type(), now.bytes, now.model().orElseThrow(),
                        t.candidate().bytes(), t.candidate().model()));
            } else {
                plain.add(new ClassDefinition(t.type(), t.candidate().bytes()));
            }
        }
        List<Engine.NewClass> added = new ArrayList<>();
        for (Candidate c : toDefine) {
            String host = c.model().nestHost().orElse(c.model().name());
            targets.stream().filter(t -> t.type().getName().replace('.', '/').equals(host)).findFirst()
                    .ifPresent(t -> added.add(new Engine.NewClass(t.type(), c.model().name(), c.bytes())));
        }
        List<String> classes = new ArrayList<>(targets.stream().map(t -> t.candidate().name()).distinct().toList());
        added.forEach(c -> classes.add(c.name().replace('/', '.')));
        classes.sort(null);
        Engine.Result result;
        try {
            Optional<Engine> engine = structural.isEmpty() ? existingEngine() : engine();
            if (engine.isEmpty()) {
                List<ClassDefinition> definitions = plain.stream().map(d -> new ClassDefinition(d.getDefinitionClass(),
                        Catchers.replant(d.getDefinitionClass(), d.getDefinitionClassFile()))).toList();
                // One call for the whole batch: the JDK promises that on any exception nothing changed.
                try {
                    instrumentation.redefineClasses(definitions.toArray(ClassDefinition[]::new));
                } catch (Exception | LinkageError e) {
                    throw new Engine.CommitFailed(e);
                }
                result = new Engine.Result.Applied(List.of());
            } else {
                // Through the engine even for bodies only: rewritten as each class would be at load.
                result = engine.orElseThrow().apply(plain, structural, added, names);
            }
        } catch (Engine.CommitFailed e) {
            Throwable cause = e.getCause();
            refusedNow = true;
            reporter.outcome(new ReloadOutcome.Failed(classes, List.of(failure(cause, classes)), Optional.of(cause)),
                    failureHint(cause));
            return;
        } catch (RuntimeException | LinkageError e) {
            // A bug of ours, not the JVM's refusal: said so, with the cause kept for tools.
            refusedNow = true;
            reporter.outcome(new ReloadOutcome.Failed(classes, List.of(new Reason(classes.size() == 1 ? classes.get(0) : "",
                    "", "hotswap failed while preparing the batch: " + e, Kind.INTERNAL_ERROR)), Optional.of(e)),
                    "a bug in hotswap; nothing was applied; please report it with this line");
            return;
        }
        if (result instanceof Engine.Result.Refused refused) {
            refuse(classes, refused.problems().stream().map(Reloader::reason).toList(),
                    "the structural engine cannot take this change yet: undo it, or restart the program");
            return;
        }
        List<Reason> warnings = ((Engine.Result.Applied) result).warnings().stream().map(Reloader::reason).toList();
        // The batch went in: what runs is what the next compile is compared with, warnings or not.
        for (Target t : targets) {
            running.put(t.type(), new RunningBytes.Running(t.candidate().bytes(), t.candidate().model()));
        }
        reporter.outcome(new ReloadOutcome.Reloaded(classes, Duration.ofNanos(System.nanoTime() - started), warnings), "");
        for (Target t : targets) {
            runHooks(t);
        }
    }

    private static Reason reason(Engine.Problem problem) {
        return new Reason(problem.className(), problem.member(), problem.message(), problem.kind(),
                problem.oldDescriptor(), problem.newDescriptor());
    }

    private static Reason failure(Throwable e, List<String> names) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("").strip();
        String className = names.stream().filter(message::contains).findFirst().orElse(names.size() == 1 ? names.get(0) : "");
        return new Reason(className, "", e.getClass().getName() + (message.isEmpty() ? "" : ": " + message),
                Kind.JVM_REJECTED);
    }

    private static String failureHint(Throwable e) {
        if (e instanceof VerifyError) {
            return "the new bytecode does not pass the JVM's verifier; rebuild it";
        }
        if (e instanceof ClassFormatError) {
            return "the JVM rejected the class file; rebuild it";
        }
        if (e instanceof UnsupportedOperationException) {
            return "the JVM refused a change that only a restart can apply";
        }
        return "";
    }

    private void runHooks(Target target) {
        Class<?> type = target.type();
        for (ClassModel.Member hook : target.candidate().model().onReloadMethods()) {
            String where = type.getName() + "." + Classifier.methodName(hook);
            if (!hook.is(Opcodes.ACC_STATIC) || !hook.descriptor().startsWith("()")) {
                reporter.problem("hotswap: ignored @OnReload on " + where + ": it must be static and take no parameters");
                continue;
            }
            java.lang.invoke.MethodHandle handle;
            try {
                if (target.structural()) {
                    // The hook may be new: only the newest version has it.
                    handle = engine().orElseThrow().newestStatic(type, hook.name(), hook.descriptor()).orElseThrow();
                } else {
                    Method method = type.getDeclaredMethod(hook.name());
                    method.setAccessible(true);
                    handle = java.lang.invoke.MethodHandles.lookup().unreflect(method);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                reporter.problem("hotswap: cannot call @OnReload " + where + ": " + e);
                continue;
            }
            try {
                handle.invoke();
            } catch (Throwable e) {
                // The hook's own failure, not ours: the next hooks still run.
                reporter.problem("hotswap: @OnReload " + where + " threw " + e);
            }
        }
    }

    /** Refuses the batch; names the classes it would have changed and those with a reason. */
    private void refuse(List<String> wouldChange, List<Reason> reasons, String hint) {
        refusedNow = true;
        Set<String> classes = new LinkedHashSet<>(wouldChange);
        reasons.forEach(r -> classes.add(r.className()));
        List<String> sorted = new ArrayList<>(classes);
        sorted.sort(null);
        reporter.outcome(new ReloadOutcome.Refused(sorted, reasons), hint);
    }
}

package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.Change;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.Classifier;
import dev.hotswap.classfile.LinkCheck;
import dev.hotswap.structural.Engine;
import dev.hotswap.structural.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Decides what becomes of a batch, touching nothing: which loaded class each file replaces,
 * whether the JVM's own redefinition or the structural engine takes it, and every reason to
 * refuse it (a class loaded from elsewhere, a JDK class, a change no engine can take, a
 * reference that does not resolve). What it knows of the JVM and the engine comes through
 * {@link Jvm} and {@link Structural}, so it is tested over fakes.
 */
final class Planner {
    /** What the planner asks of the running JVM. */
    interface Jvm {
        /** The loaded classes (not arrays) of these binary names. */
        Map<String, List<Class<?>>> loaded(Set<String> names);

        boolean isModifiable(Class<?> type);

        /** The bytes the class runs now, with their model. */
        Optional<RunningBytes.Running> running(Class<?> type);

        /** The folder or jar the class was loaded from. */
        Optional<Path> location(Class<?> type);

        /** What the classes that {@code loader} sees have, for the link check, with the batch's own classes. */
        LinkCheck.Classes linkView(Map<String, ClassModel> batch, ClassLoader loader);
    }

    /** What the planner asks of the structural engine; {@link #available()} may make it. */
    interface Structural {
        boolean available();

        boolean manages(Class<?> type);

        /** True when a changed static initializer runs again for the statics whose code changed (not {@code statics=keep}). */
        default boolean rerunsInitializers() {
            return false;
        }

        /** True when the engine takes this class when its methods' bodies alone changed, too. */
        default boolean takesBodies(Class<?> type) {
            return false;
        }

        List<Problem> unsupported(Class<?> type, ClassModel running, ClassModel next);
    }

    /**
     * A loaded class and the bytes it is to run; {@code structural} when the engine takes it;
     * {@code changes} its structural changes against what runs (empty when unknown).
     */
    record Target(Class<?> type, Candidate candidate, Optional<RunningBytes.Running> running, boolean structural,
                  List<Change> changes) {
    }

    /** What to do with a batch. */
    sealed interface Plan {
        /**
         * Refuse it: nothing is applied. {@code unswappable} names the classes no compile can make
         * swappable (not held for later batches).
         */
        record Refuse(List<String> wouldChange, List<Reason> reasons, Set<String> unswappable, String hint) implements Plan {
        }

        /**
         * Apply it: the targets in one redefinition, {@code toDefine} new classes defined by the
         * engine; {@code fresh} names the batch's classes that nothing loaded (a framework may take them in).
         */
        record Apply(List<Target> targets, List<Candidate> toDefine, Optional<Map<String, String>> names,
                     List<String> fresh) implements Plan {
        }

        /** Nothing loaded is concerned (classes not loaded yet, unchanged bytes); {@code fresh} names those not loaded. */
        record Nothing(List<String> fresh) implements Plan {
        }
    }

    private final Jvm jvm;
    private final Structural engine;
    private final Consumer<String> detail;

    Planner(Jvm jvm, Structural engine, Consumer<String> detail) {
        this.jvm = jvm;
        this.engine = engine;
        this.detail = detail;
    }

    /** A refusal for class files no compile of their own can make swappable: misplaced, or JDK classes. */
    Optional<Plan.Refuse> precheck(List<Candidate> candidates) {
        List<Reason> refusals = new ArrayList<>();
        for (Candidate c : candidates) {
            String name = c.model().name();
            if (!c.file().endsWith(Path.of(name + ".class"))) {
                refusals.add(new Reason(c.name(), "", "the file " + c.file() + " holds class " + c.name()
                        + ", but a class file must sit at the path of its own name (" + name + ".class)",
                        Kind.MISPLACED_CLASS_FILE));
            } else if (JdkClasses.isJdk(name)) {
                refusals.add(new Reason(c.name(), "", "is a JDK class; hotswap never replaces JDK classes", Kind.JDK_CLASS));
            }
        }
        if (refusals.isEmpty()) {
            return Optional.empty();
        }
        Set<String> unswappable = new java.util.HashSet<>();
        refusals.forEach(r -> unswappable.add(r.className()));
        return Optional.of(new Plan.Refuse(List.of(), refusals, unswappable, "fix or remove that class file"));
    }

    /** What to do with a batch (named as it runs): apply it, refuse it, or nothing. */
    Plan plan(AnonymousNaming.Naming naming) {
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
                Optional<Path> location = jvm.location(type);
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
                if (!jvm.isModifiable(type)) {
                    refusals.add(new Reason(c.name(), "", "the JVM does not allow this class to be modified",
                            Kind.NOT_MODIFIABLE));
                    continue;
                }
                Optional<RunningBytes.Running> now = jvm.running(type);
                if (now.isPresent() && Arrays.equals(now.get().bytes, c.bytes())) {
                    unchanged.add(c.name());
                    continue;
                }
                List<Change> changes = now.flatMap(RunningBytes.Running::model)
                        .map(model -> Classifier.diff(model, c.model())).orElse(List.of());
                boolean hasModel = now.flatMap(RunningBytes.Running::model).isPresent();
                boolean engineTakes = hasModel && (engine.manages(type)
                        || ((!changes.isEmpty() || hosts.contains(c.model().name())) && engine.available()));
                List<Problem> problems = engineTakes
                        ? engine.unsupported(type, now.get().model().orElseThrow(), c.model()) : List.of();
                if (!engineTakes && hasModel && changes.isEmpty() && engine.rerunsInitializers()
                        && mayChangeStatics(now.get().model().orElseThrow(), c.model())
                        && !Engine.changedStatics(now.get().bytes, c.bytes()).isEmpty() && engine.available()) {
                    // Bodies alone, but a static's initializer among them: the engine runs it again.
                    engineTakes = engine.unsupported(type, now.get().model().orElseThrow(), c.model()).isEmpty();
                }
                if (!engineTakes && hasModel && changes.isEmpty() && engine.takesBodies(type) && engine.available()) {
                    // Bodies alone, as a new version, where the engine can take the class; else as a redefinition.
                    engineTakes = engine.unsupported(type, now.get().model().orElseThrow(), c.model()).isEmpty();
                }
                if (engineTakes) {
                    for (Problem problem : problems) {
                        structural.add(problem.reason());
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
                targets.add(new Target(type, c, now, engineTakes, changes));
            }
        }
        if (refusals.isEmpty() && structural.isEmpty()) {
            refusals.addAll(unresolved(candidates, targets, toDefine));
        }
        if (!notLoaded.isEmpty()) {
            detail.accept("hotswap: not loaded yet, the new version loads when first used: " + Names.shown(notLoaded));
        }
        if (!unchanged.isEmpty()) {
            detail.accept("hotswap: unchanged, skipped: " + Names.shown(unchanged));
        }
        // A file naming what does not exist is held like any refused one: a compile can fix it.
        Set<String> unswappable = new java.util.HashSet<>();
        refusals.stream().filter(r -> r.kind() != Kind.UNRESOLVED_REFERENCE).forEach(r -> unswappable.add(r.className()));
        if (!refusals.isEmpty() || !structural.isEmpty()) {
            List<Reason> all = new ArrayList<>(structural);
            all.addAll(refusals);
            boolean linking = refusals.stream().anyMatch(r -> r.kind() == Kind.UNRESOLVED_REFERENCE);
            return new Plan.Refuse(targets.stream().map(t -> t.candidate().name()).toList(), all, unswappable, linking
                    ? "the new bytes name what does not exist (a corrupt or stale class file): rebuild; nothing was applied"
                    : structural.isEmpty() ? ""
                    : !hints.isEmpty() ? String.join("; ", hints)
                    : engine.available()
                    ? "a structural change no running JVM can take (an existing class's superclass, interfaces, class modifiers, "
                    + "a volatile modifier added to a field stay as loaded): "
                    + "undo it, or restart the program"
                    : "a structural change, which the JVM's HotSwap cannot swap (it replaces method bodies only) and "
                    + "hotswap's structural engine is not available in this JVM: undo it, or restart the program");
        }
        return targets.isEmpty() ? new Plan.Nothing(notLoaded) : new Plan.Apply(targets, toDefine, naming.names(), notLoaded);
    }

    /**
     * The references of the batch's new bytes that do not resolve ({@link LinkCheck}): such a
     * class file passed the JVM's checks but would throw a {@code LinkageError} at its first call.
     */
    private List<Reason> unresolved(List<Candidate> candidates, List<Target> targets, List<Candidate> toDefine) {
        Map<String, ClassModel> batch = new HashMap<>();
        candidates.forEach(c -> batch.put(c.model().name(), c.model()));
        Map<ClassLoader, LinkCheck.Classes> byLoader = new HashMap<>();
        List<Reason> reasons = new ArrayList<>();
        java.util.function.BiConsumer<Candidate, Optional<byte[]>> check = (c, before) -> {
            ClassLoader loader = targets.stream().filter(t -> t.candidate() == c).findFirst().map(t -> t.type().getClassLoader())
                    .orElseGet(() -> targets.isEmpty() ? null : targets.get(0).type().getClassLoader());
            if (loader == null) {
                return;
            }
            LinkCheck.Classes classes = byLoader.computeIfAbsent(loader, l -> jvm.linkView(batch, l));
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
        jvm.loaded(wanted).forEach((name, classes) -> {
            List<Class<?>> programs = classes.stream().filter(type -> !dev.hotswap.structural.Engine.isVersion(type)).toList();
            if (!programs.isEmpty()) {
                loaded.put(name, programs);
            }
        });
        return loaded;
    }


    /**
     * Whether a body-only change may give a static a new value, from the models already parsed:
     * the static initializer's code changed, or a {@code static final} that may carry a constant
     * value is there. Only then are both class files read whole to find which statics
     * ({@code Engine.changedStatics}): most body swaps pay nothing for it.
     */
    static boolean mayChangeStatics(ClassModel before, ClassModel after) {
        if (!clinitHash(before).equals(clinitHash(after))) {
            return true;
        }
        return after.fields().stream().anyMatch(f -> f.is(org.objectweb.asm.Opcodes.ACC_STATIC)
                && f.is(org.objectweb.asm.Opcodes.ACC_FINAL)
                && (f.descriptor().length() == 1 || f.descriptor().equals("Ljava/lang/String;")));
    }

    private static Optional<Long> clinitHash(ClassModel model) {
        return model.methods().stream().filter(m -> m.name().equals("<clinit>")).findFirst().flatMap(model::bodyHash);
    }

}

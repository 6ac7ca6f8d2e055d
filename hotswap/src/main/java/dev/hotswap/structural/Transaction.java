package dev.hotswap.structural;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.ConstantPool;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.objectweb.asm.Opcodes;

/**
 * One batch through the engine, as a transaction in three stages.
 *
 * <ol>
 *   <li><b>Prepare</b>: the plan, or the problems. Versions are defined as hidden classes that
 *       nothing refers to yet, trampolines and rewritten classes are written; the registry is
 *       not touched (the batch is visible only to classes that load meanwhile, through the
 *       registry's in-flight view, which a refusal or failure drops).</li>
 *   <li><b>Commit</b>: the one {@code redefineClasses} call; the JDK promises that if it throws,
 *       no class changed.</li>
 *   <li><b>Publish</b>: registries, new classes, relinked call sites; then, without the engine's
 *       lock, added statics' initializers and enum fix-ups, which run user code. Whatever fails
 *       after the commit is a warning on the outcome: the batch went in.</li>
 * </ol>
 *
 * <p>Thread-safety: one batch at a time (a lock of its own, held throughout). Commit and
 * publish hold the engine's lock as well, which the bootstrap methods take, so that no call
 * site links against a batch half published; user code never runs under it.
 */
final class Transaction {
    /** Points at which tests make a batch fail ({@link Engine#faults}); PUBLISH is the relinking of call sites. */
    enum Stage { PREPARE, VERSIONS, COMMIT, PUBLISH, INITIALIZE }

    /** Test hook: throws at a stage to show what a failure there leaves behind. */
    interface Faults {
        Faults NONE = stage -> { };

        void at(Stage stage) throws Exception;
    }

    private final Engine engine;
    private final Registry registry;
    private final CallSites sites;
    private final Policy policy;
    private final Instrumentation instrumentation;
    private final MethodHandles.Lookup trusted;
    private final Versions versions;
    private final ReentrantLock batches = new ReentrantLock();
    volatile Faults faults = Faults.NONE;

    Transaction(Engine engine, Registry registry, CallSites sites, Policy policy, Instrumentation instrumentation,
                MethodHandles.Lookup trusted) {
        this.engine = engine;
        this.registry = registry;
        this.sites = sites;
        this.policy = policy;
        this.instrumentation = instrumentation;
        this.trusted = trusted;
        this.versions = new Versions(engine, registry, trusted);
    }

    /** What a class of the batch becomes once it is published. */
    private record Plan(Managed managed, Version version, List<String> constructors, boolean initialize,
                        boolean isEnum, ClassModel next, Map<String, Integer> epochs, List<String> reinitialized,
                        boolean reshapes) {
    }

    Engine.Result apply(List<ClassDefinition> plain, List<Engine.Structural> requested, List<Engine.NewClass> added,
                        Optional<Map<String, String>> names) throws Engine.CommitFailed {
        batches.lock();
        try {
            try {
                return run(plain, requested, added, names, true);
            } catch (Engine.CommitFailed e) {
                if (!e.inPlace) {
                    throw e;
                }
                // The JVM refused a version redefined in place (nothing changed): the batch goes in with new ones.
                registry.inFlight(null);
                return run(plain, requested, added, names, false);
            }
        } finally {
            registry.inFlight(null);
            batches.unlock();
        }
    }

    private Engine.Result run(List<ClassDefinition> plain, List<Engine.Structural> requested, List<Engine.NewClass> added,
                              Optional<Map<String, String>> names, boolean inPlaceAllowed) throws Engine.CommitFailed {
        // ---- prepare ----
        List<Problem> problems = new ArrayList<>();
        List<Engine.Structural> structural = policy.withAncestors(requested, problems);
        for (Engine.Structural s : structural) {
            refuseEngineNames(s.type().getName(), s.nextBytes(), problems);
            refuseEngineNames(s.type().getName(), s.runningBytes(), problems);
        }
        plain.forEach(d -> refuseEngineNames(d.getDefinitionClass().getName(), d.getDefinitionClassFile(), problems));
        added.forEach(c -> refuseEngineNames(c.name().replace('/', '.'), c.bytes(), problems));
        if (!problems.isEmpty()) {
            return new Engine.Result.Refused(problems);
        }
        Map<Class<?>, Managed> fresh = new HashMap<>();
        Map<ClassLoader, Map<String, Managed>> freshByName = new HashMap<>();
        Map<Managed, ClassModel> next = new HashMap<>();
        Map<Managed, Map<String, Integer>> epochs = new HashMap<>();
        for (Engine.Structural s : structural) {
            Managed m = registry.get(s.type());
            if (m == null) {
                // The schema the JVM runs: a class that loaded after the engine started was rewritten.
                byte[] asLoaded = engine.asRedefined(s.type(), Catchers.replant(s.type(), s.runningBytes()));
                m = new Managed(s.type(), asLoaded, asLoaded == s.runningBytes() ? s.running()
                        : Policy.parse(asLoaded).orElseThrow());
                fresh.put(s.type(), m);
                freshByName.computeIfAbsent(s.type().getClassLoader(), l -> new HashMap<>()).put(m.loaded.name(), m);
            }
            next.put(m, s.next());
            epochs.put(m, epochs(m, m.current != null ? m.current.model() : s.running(), s.next()));
        }
        // Classes that load from here on are rewritten as if the batch had gone in; dropped if it does not.
        registry.inFlight(new Registry.InFlight(Map.copyOf(freshByName), Map.copyOf(next), Map.copyOf(epochs)));
        try {
            faults.at(Stage.PREPARE);
        } catch (Exception e) {
            throw new IllegalStateException("injected at " + Stage.PREPARE, e);
        }
        for (Engine.Structural s : structural) {
            engine.prepareBridge(s.type());
        }
        List<ClassDefinition> definitions = new ArrayList<>();
        plain.forEach(d -> definitions.add(new ClassDefinition(d.getDefinitionClass(), engine.asRedefined(d.getDefinitionClass(),
                Catchers.replant(d.getDefinitionClass(), d.getDefinitionClassFile())))));
        Set<String> batchNames = new HashSet<>();
        structural.forEach(s -> batchNames.add(s.next().name()));
        CodeRewriter.Loaded loaded = LoadedView.of(engine, registry, structural, batchNames);
        int generation = registry.generation() + 1;
        boolean inPlaceWorthIt = inPlaceAllowed && engine.redefinesInPlace() && InPlace.worthIt(registry, structural);
        Map<Class<?>, Plan> plans = new HashMap<>();
        List<Problem> fieldWarnings = new ArrayList<>();
        for (Engine.Structural s : structural) {
            List<String> found = new ArrayList<>();
            boolean isFresh = fresh.containsKey(s.type());
            Managed m = isFresh ? fresh.get(s.type()) : registry.get(s.type());
            boolean definingNext = false;
            try {
                if (isFresh) {
                    m.original = versions.define(m, s.runningBytes(), s.running(), loaded, found, 0, Set.of());
                }
                ClassModel previous = m.current != null ? m.current.model() : s.running();
                Set<String> initialize = newStatics(m.loaded, previous, s.next());
                Set<String> quiet = new HashSet<>(initialize); // added statics, values arrays: not told
                boolean isEnum = (s.next().access() & Opcodes.ACC_ENUM) != 0
                        && !Enums.constants(previous).equals(Enums.constants(s.next()));
                if (isEnum) {
                    // The values array is built anew from the constants: kept ones are the same objects.
                    initialize.addAll(Enums.valuesArrays(s.next()));
                    quiet.addAll(Enums.valuesArrays(s.next()));
                }
                if (engine.rerunsInitializers()) {
                    // Statics whose initializing code changed, and those computed from them, get new values too.
                    initialize.addAll(StaticSlices.changed(m.current != null && m.currentBytes != null ? m.currentBytes
                            : s.runningBytes(), s.nextBytes()));
                    initialize = new LinkedHashSet<>(StaticSlices.closure(s.nextBytes(), initialize));
                }
                List<String> reinitialized = initialize.stream().filter(f -> !quiet.contains(f))
                        .map(f -> f.substring(0, f.indexOf(':'))).toList();
                definingNext = true;
                Optional<Version> inPlace = inPlaceWorthIt && !isFresh && initialize.isEmpty() && !isEnum
                        ? InPlace.take(versions, m, s, loaded, generation, definitions) : Optional.empty();
                Version version = inPlace.isPresent() ? inPlace.get()
                        : versions.define(m, s.nextBytes(), s.next(), loaded, found, generation, initialize);
                definingNext = false;
                fieldWarnings.addAll(FieldInitializers.warnings(s.type().getName(), previous, s.next(), s.nextBytes(), loaded));
                List<String> constructors = new ArrayList<>(m.addedConstructors);
                for (ClassModel.Member ctor : s.next().methods()) {
                    if (ctor.name().equals("<init>") && !LoadRewriter.declares(m.loaded, false, "<init>", ctor.descriptor(), false)
                            && !constructors.contains(ctor.descriptor())) {
                        constructors.add(ctor.descriptor());
                    }
                }
                ClassModel constructorsFrom = isFresh ? s.running() : m.constructorsFrom;
                if (found.isEmpty() && (isFresh || !sameConstructors(constructorsFrom, s.next()))) {
                    definitions.add(new ClassDefinition(s.type(), engine.bridged(s.type().getClassLoader(),
                            TrampolineWriter.write(m.loadedBytes, s.nextBytes(), s.next(), loaded, found,
                                    m.carrier == null ? "" : m.carrier.descriptor(), List.copyOf(constructors)))));
                }
                // Added statics without an initializer (no <clinit>) have nothing to run: they stay at 0, null, false.
                boolean initializes = !reinitialized.isEmpty() || !initialize.isEmpty()
                        && LoadRewriter.declares(s.next(), false, "<clinit>", "()V", true);
                plans.put(s.type(), new Plan(m, version, List.copyOf(constructors), initializes, isEnum,
                        s.next(), epochs.get(m), reinitialized, m.reshapedBy(previous, s.next(), inPlace.isPresent())));
            } catch (VerifyError | ClassFormatError e) {
                if (!definingNext) {
                    found.add("its new version cannot be defined (" + e + ")");
                } else {
                    // The new class file's own fault (its running bytes did verify): said as the JVM says it for a
                    // plain redefinition, under the user's name.
                    throw new Engine.CommitFailed(Versions.underUserName(e, s.next().name()));
                }
            } catch (IllegalAccessException | NoSuchMethodException | LinkageError e) {
                found.add("its new version cannot be defined (" + e + ")");
            }
            found.forEach(message -> problems.add(new Problem(s.type().getName(), "", message, Kind.UNSUPPORTED_CHANGE)));
        }
        if (!problems.isEmpty()) {
            return new Engine.Result.Refused(problems);
        }
        definitions.addAll(staleFieldUsers(structural, plain));
        try {
            faults.at(Stage.VERSIONS);
        } catch (Exception e) {
            throw new IllegalStateException("injected at " + Stage.VERSIONS, e);
        }
        // ---- commit ----
        List<Problem> warnings = new ArrayList<>(fieldWarnings);
        try {
            synchronized (engine) {
                commit(structural, definitions);
                // ---- publish: the batch is in; nothing from here on may undo it ----
                engine.bootstraps().publishing(true);
                sites.publishing(true);
                try {
                    publish(structural, plans, fresh, generation, definitions, added, names, warnings);
                } finally {
                    sites.publishing(false);
                }
            }
            // User code (initializers, enum constructors) runs without the engine's lock; bootstraps on
            // other threads wait for it, boundedly, so that none links against a half-initialized batch.
            initialize(structural, plans, plain, loaded, warnings);
        } finally {
            engine.bootstraps().publishing(false); // whatever happened: never leave other threads waiting on a batch
        }
        List<String> reinitialized = new ArrayList<>();
        for (Engine.Structural s : structural) {
            plans.get(s.type()).reinitialized().forEach(f -> reinitialized.add(s.type().getName() + "." + f));
        }
        return new Engine.Result.Applied(warnings, reinitialized);
    }

    /** The one redefinition of the batch; the JDK promises that if it throws, nothing changed. */
    private void commit(List<Engine.Structural> structural, List<ClassDefinition> definitions) throws Engine.CommitFailed {
        try {
            faults.at(Stage.COMMIT);
            for (Engine.Structural s : structural) {
                Module module = s.type().getModule();
                if (module.isNamed() && !module.canRead(dev.hotswap.boot.Link.class.getModule())) {
                    // Entries call our bootstrap methods: a named module must read hotswap's module.
                    instrumentation.redefineModule(module, Set.of(dev.hotswap.boot.Link.class.getModule()), Map.of(), Map.of(),
                            Set.of(), Map.of());
                }
            }
            if (!definitions.isEmpty()) {
                engine.redefine(definitions);
            }
        } catch (Exception | LinkageError e) {
            // Only a version redefined in place is a version here (InPlace): the batch may go in without.
            throw new Engine.CommitFailed(e, definitions.stream().anyMatch(d -> VersionLoader.isVersion(d.getDefinitionClass())));
        }
    }

    private void publish(List<Engine.Structural> structural, Map<Class<?>, Plan> plans, Map<Class<?>, Managed> fresh,
                         int generation, List<ClassDefinition> definitions, List<Engine.NewClass> added,
                         Optional<Map<String, String>> names, List<Problem> warnings) {
        // Every class of the batch took its bodies in its current version: no other site's target changes.
        boolean inPlaceOnly = added.isEmpty() && !plans.isEmpty()
                && plans.values().stream().allMatch(p -> InPlace.took(p.managed(), p.version()));
        try {
            Optional<Map.Entry<ClassLoader, Map<String, String>>> renamed = structural.isEmpty() || names.isEmpty()
                    ? Optional.empty() : Optional.of(Map.entry(structural.get(0).type().getClassLoader(), names.get()));
            registry.publish(fresh, generation, renamed);
            for (Plan plan : plans.values()) {
                if (InPlace.took(plan.managed(), plan.version())) {
                    plan.managed().inPlaceSwaps++;
                    registry.definedHidden(plan.version().hidden(), plan.managed().type, plan.version());
                } else {
                    plan.managed().inPlaceSwaps = 0;
                }
                plan.managed().current = plan.version();
                plan.managed().constructorsFrom = plan.next();
                plan.managed().addedConstructors = plan.constructors();
                plan.managed().fieldEpochs = plan.epochs();
            }
            for (Engine.Structural s : structural) {
                Plan plan = plans.get(s.type());
                if (plan != null) {
                    plan.managed().currentBytes = s.nextBytes();
                }
            }
            for (ClassDefinition d : definitions) {
                // Every definition was written by the engine from bytes that name none of its classes.
                Class<?> type = d.getDefinitionClass();
                registry.wrote(type.getClassLoader(), type.getName().replace('.', '/'));
            }
        } catch (Exception | LinkageError e) {
            warnings.add(warning(structural, "the engine could not record the batch (" + Engine.rootCause(e)
                    + "); calls may still run the previous version: restart the program to be sure", Kind.PUBLISH_FAILED));
        }
        for (Engine.NewClass c : added) {
            try {
                engine.defineRenamed(c);
            } catch (Exception | LinkageError e) {
                warnings.add(new Problem(c.name().replace('/', '.'), "", "the new class could not be defined ("
                        + Engine.rootCause(e) + "); code that uses it gets NoClassDefFoundError: restart the program",
                        Kind.PUBLISH_FAILED));
            }
        }
        if (!structural.isEmpty()) {
            try {
                faults.at(Stage.PUBLISH);
                // Reflection follows before the new code runs: nothing sees new code and an old shape.
                Set<Class<?>> reshaped = new HashSet<>(plans.keySet());
                reshaped.removeIf(type -> !plans.get(type).reshapes());
                if (!reshaped.isEmpty()) {
                    engine.reshaped(reshaped);
                }
                if (inPlaceOnly) {
                    sites.relinkBodies(plans.keySet());
                } else {
                    sites.relink();
                }
            } catch (Exception | LinkageError e) {
                warnings.add(warning(structural, "the engine could not relink its call sites (" + Engine.rootCause(e)
                        + "); calls may still run the previous version: restart the program to be sure", Kind.PUBLISH_FAILED));
            }
        }
    }

    private void initialize(List<Engine.Structural> structural, Map<Class<?>, Plan> plans, List<ClassDefinition> plain,
                            CodeRewriter.Loaded loaded, List<Problem> warnings) {
        try {
            faults.at(Stage.INITIALIZE);
        } catch (Exception e) {
            warnings.add(warning(structural, "injected at " + Stage.INITIALIZE + ": " + e.getMessage(),
                    Kind.STATIC_INITIALIZER_FAILED));
            return;
        }
        List<Class<?>> enums = new ArrayList<>();
        for (Engine.Structural s : structural) {
            Plan plan = plans.get(s.type());
            if (plan.initialize()) {
                Optional<Problem> failed = initializeAddedStatics(plan.version());
                failed.ifPresent(warnings::add);
                Set<String> finals = new LinkedHashSet<>();
                plan.managed().loaded.fields().stream().filter(f -> f.is(Opcodes.ACC_STATIC) && f.is(Opcodes.ACC_FINAL)
                        && plan.reinitialized().contains(f.name())).forEach(f -> finals.add(f.name()));
                if (!finals.isEmpty()) {
                    FoldedStatics.drop(engine, registry, instrumentation, s.type(), finals).ifPresent(warnings::add);
                }
            }
            if (plan.isEnum()) {
                enums.add(s.type());
            }
        }
        if (!enums.isEmpty()) {
            warnings.addAll(Enums.renumber(trusted, enums));
            // The newest code of each class of the batch, whichever way it went in (bodies alone may go structural).
            Map<Class<?>, byte[]> batch = new HashMap<>();
            plain.forEach(d -> batch.put(d.getDefinitionClass(), d.getDefinitionClassFile()));
            structural.forEach(s -> batch.put(s.type(), s.nextBytes()));
            warnings.addAll(Enums.refreshSwitchTables(engine, enums, batch, loaded));
        }
    }

    /**
     * The field counts after this version: a field (not an enum constant, nor javac's synthetic
     * ones) that the previous version lacked comes in once more.
     */
    private static Map<String, Integer> epochs(Managed m, ClassModel previous, ClassModel next) {
        Map<String, Integer> result = new HashMap<>(m.fieldEpochs);
        for (ClassModel.Member f : next.fields()) {
            boolean isStatic = f.is(Opcodes.ACC_STATIC);
            if (!f.is(Opcodes.ACC_ENUM) && !f.is(Opcodes.ACC_SYNTHETIC)
                    && !LoadRewriter.declares(previous, true, f.name(), f.descriptor(), isStatic)) {
                result.merge(Managed.fieldKey(f.name(), f.descriptor(), isStatic), 1, Integer::sum);
            }
        }
        return Map.copyOf(result);
    }

    private static Problem warning(List<Engine.Structural> structural, String message, Kind kind) {
        return new Problem(structural.isEmpty() ? "" : structural.get(0).type().getName(), "", message, kind);
    }

    /** A class file that names the engine's bootstrap class: only code the engine writes may call it. */
    private static void refuseEngineNames(String className, byte[] bytes, List<Problem> problems) {
        if (Bridges.namesEngine(bytes)) {
            problems.add(new Problem(className, "", "names " + dev.hotswap.boot.Link.class.getName()
                    + ", hotswap's internal class, which only code that hotswap writes may call", Kind.UNSUPPORTED_CHANGE));
        }
    }

    /**
     * Static fields added by a swap, or whose initializing code changed, get their initializers:
     * the part of the new static initializer that sets them ({@link StaticSlices}) runs once more,
     * writing only those fields (every other static keeps its value). That part's other effects
     * run again too.
     */
    private Optional<Problem> initializeAddedStatics(Version version) {
        try {
            versions.lookup(version.hidden()).findStatic(version.hidden(), VersionWriter.CLINIT,
                    MethodType.methodType(void.class)).invoke();
            return Optional.empty();
        } catch (Throwable e) { // the program's code: all it throws is told as its own
            return Optional.of(new Problem(version.model().javaName(), "<clinit>", "its static initializer threw "
                    + Engine.rootCause(e) + " while setting its added or changed static fields; those it had not reached"
                    + " keep their values (0, null, false for added ones) until it runs through", Kind.STATIC_INITIALIZER_FAILED));
        }
    }

    /**
     * Classes outside the batch whose code names a field that a class of the batch, as loaded,
     * has and that its newest version drops (or takes back): rewritten as if they loaded now, so
     * such code gets {@code NoSuchFieldError}, as after a fresh compile (and the field again once
     * it is back). Looked for only when a batch removes or restores fields.
     */
    private List<ClassDefinition> staleFieldUsers(List<Engine.Structural> structural, List<ClassDefinition> plain) {
        Set<String> changed = new HashSet<>();
        for (Engine.Structural s : structural) {
            Managed m = registry.get(s.type());
            ClassModel loadedModel = m != null ? m.loaded : s.running();
            ClassModel before = m != null && m.current != null ? m.current.model() : s.running();
            for (ClassModel.Member f : loadedModel.fields()) {
                boolean was = LoadRewriter.declares(before, true, f.name(), f.descriptor(), f.is(Opcodes.ACC_STATIC));
                boolean is = LoadRewriter.declares(s.next(), true, f.name(), f.descriptor(), f.is(Opcodes.ACC_STATIC));
                if (was != is) {
                    changed.add(loadedModel.name() + "." + f.name());
                }
            }
        }
        if (changed.isEmpty()) {
            return List.of();
        }
        Set<Class<?>> batch = new HashSet<>();
        structural.forEach(s -> batch.add(s.type()));
        plain.forEach(d -> batch.add(d.getDefinitionClass()));
        List<ClassDefinition> result = new ArrayList<>();
        for (Class<?> type : engine.loadedClasses()) {
            if (batch.contains(type) || registry.manages(type) || type.isArray() || type.isHidden()
                    || type.getClassLoader() == null || !engine.isReloadable(type)) {
                continue;
            }
            Optional<byte[]> bytes = engine.seenBytes(type.getClassLoader(), type.getName().replace('.', '/'))
                    .filter(b -> !Bridges.namesEngine(b)); // such a class runs as compiled and is never served
            if (bytes.isPresent() && ConstantPool.of(bytes.get()).fieldNames().stream().anyMatch(changed::contains)) {
                // As at load: renamed anonymous classes too, since these are the bytes as compiled.
                byte[] planted = Catchers.replant(type, bytes.get());
                result.add(new ClassDefinition(type, engine.asRedefined(type, planted)));
            }
        }
        return result;
    }


    private static boolean sameConstructors(ClassModel a, ClassModel b) {
        java.util.function.Function<ClassModel, Set<String>> constructors = model -> {
            Set<String> result = new HashSet<>();
            model.methods().stream().filter(m -> m.name().equals("<init>")).forEach(m -> result.add(m.descriptor()));
            return result;
        };
        if (!constructors.apply(a).equals(constructors.apply(b))) {
            return false;
        }
        for (ClassModel.Member ctor : b.methods()) {
            if (ctor.name().equals("<init>") && !a.bodyHash(ctor).equals(b.bodyHash(ctor))) {
                return false;
            }
        }
        return true;
    }

    /** Added static fields of {@code next} that the previous version did not have: their initializers run now. */
    private static Set<String> newStatics(ClassModel loaded, ClassModel previous, ClassModel next) {
        Set<String> result = new LinkedHashSet<>();
        for (ClassModel.Member field : next.fields()) {
            String key = field.name() + ":" + field.descriptor();
            // A loaded static that a swap removed and this one brings back is a new field: its initializer runs.
            boolean existed = previous.fields().stream().anyMatch(f -> (f.name() + ":" + f.descriptor()).equals(key)
                    && f.is(Opcodes.ACC_STATIC)) || (field.is(Opcodes.ACC_ENUM) || field.is(Opcodes.ACC_SYNTHETIC))
                    && loaded.fields().stream().anyMatch(f -> (f.name() + ":" + f.descriptor()).equals(key)
                    && f.is(Opcodes.ACC_STATIC));
            if (field.is(Opcodes.ACC_STATIC) && !existed) {
                result.add(key);
            }
        }
        return result;
    }

}

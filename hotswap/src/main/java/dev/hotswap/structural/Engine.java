package dev.hotswap.structural;

import dev.hotswap.classfile.Change;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.Classifier;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Structural reload on a stock JVM. A class whose change the JVM cannot redefine gets, once, a
 * redefinition that keeps its schema but turns each method into an entry: one
 * {@code invokedynamic} on a {@link MutableCallSite}. Each new version of the class is a hidden
 * class, a nestmate of it (so it reads and writes the object's private state), holding the
 * version's methods as static methods; the entries are relinked to the newest version. Objects
 * keep their identity and fields; hidden classes of superseded versions are collected once no
 * frame runs them. A compiled caller inlines through a relinked {@code MutableCallSite}, so the
 * entry costs nothing after the swap.
 *
 * <p>Thread-safety: {@link #apply} and the call-site bootstraps hold this object's lock.
 */
public final class Engine {
    private static final MethodHandle RESOLVE;
    private static final MethodHandle NO_SUCH_METHOD;
    private static final MethodHandle NO_SUCH_FIELD;
    private static final MethodHandle FIELD_GET;
    private static final MethodHandle FIELD_SET;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RESOLVE = lookup.findVirtual(Engine.class, "resolve", MethodType.methodType(MethodHandle.class,
                    String.class, String.class, MethodType.class, Optional.class, Object.class));
            NO_SUCH_METHOD = lookup.findStatic(Linker.class, "noSuchMethod",
                    MethodType.methodType(Object.class, String.class));
            NO_SUCH_FIELD = lookup.findStatic(Linker.class, "noSuchField", MethodType.methodType(Object.class, String.class));
            FIELD_GET = lookup.findVirtual(FieldStore.class, "get", MethodType.methodType(Object.class, Object.class));
            FIELD_SET = lookup.findVirtual(FieldStore.class, "set",
                    MethodType.methodType(void.class, Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Instrumentation instrumentation;
    private final MethodHandles.Lookup trusted;
    // Replaced when a later session takes over the engine (see create).
    private volatile Predicate<Class<?>> reloadable;
    private volatile java.util.function.Function<Class<?>, Optional<byte[]>> runningBytes;
    private final Map<Class<?>, Managed> managed = new ConcurrentHashMap<>();
    private final Bridges bridges = new Bridges();
    /**
     * The same classes by loader and internal name, for code that must not load classes (a
     * transformer). A class joins when a batch takes it, before the batch is applied, so classes
     * that load while it is applied see it; its schema as loaded is true either way.
     */
    private final Map<ClassLoader, Map<String, Managed>> byName = new ConcurrentHashMap<>();
    private volatile java.util.function.BiFunction<ClassLoader, String, Optional<byte[]>> seenBytes;
    /** Classes that run under another name than compiled (anonymous classes renumbered by javac), by loader. */
    private final Map<ClassLoader, Map<String, String>> renamed = new ConcurrentHashMap<>();
    /** Set while the engine defines a class whose bytes it already renamed. */
    private final ThreadLocal<Boolean> definingRenamed = new ThreadLocal<>();
    private final Map<String, EntrySite> entries = new HashMap<>();
    /** Call sites in versions' code, weakly: a superseded version takes its own sites with it. */
    private final List<java.lang.ref.WeakReference<LinkedSite>> calls = new ArrayList<>();
    private final Map<String, MethodHandle> dispatch = new ConcurrentHashMap<>();
    /** Storage of fields added by swaps: an array of one for a static field, a FieldStore for an instance field. */
    private final Map<String, Object> addedFields = new HashMap<>();
    /**
     * Which version a hidden class holds, so its calls can fall back on its own siblings. A
     * ClassValue, so the hidden class is not kept alive by this table (a WeakHashMap whose value
     * refers to its key would).
     */
    private final ClassValue<java.util.concurrent.atomic.AtomicReference<Version>> versionOf = new ClassValue<>() {
        @Override
        protected java.util.concurrent.atomic.AtomicReference<Version> computeValue(Class<?> type) {
            return new java.util.concurrent.atomic.AtomicReference<>();
        }
    };
    private volatile Set<String> overriddenAnew = Set.of();
    private int generation;

    /** One class under the engine: its schema as loaded, never changed, and its newest version. */
    private static final class Managed {
        final Class<?> type;
        final byte[] loadedBytes;
        final ClassModel loaded;
        Version original;
        volatile Version current;
        /** The version a batch being applied brings, for classes loading meanwhile; null otherwise. */
        volatile ClassModel next;
        ClassModel constructorsFrom;
        /** The loaded constructor that also runs added ones, the most accessible. */
        final CodeRewriter.Carrier carrier;
        /** Constructors swaps added, in order of arrival: their numbers never change. */
        final List<String> addedConstructors = new java.util.concurrent.CopyOnWriteArrayList<>();

        Managed(Class<?> type, byte[] loadedBytes, ClassModel loaded) {
            this.type = type;
            this.loadedBytes = loadedBytes;
            this.loaded = loaded;
            ClassModel.Member best = null;
            for (ClassModel.Member m : loaded.methods()) {
                if (m.name().equals("<init>") && (best == null || access(m) > access(best))) {
                    best = m;
                }
            }
            this.carrier = best == null ? null : new CodeRewriter.Carrier(best.descriptor(), best.is(Opcodes.ACC_PRIVATE),
                    loaded.nestHost().orElse(loaded.name()));
        }

        private static int access(ClassModel.Member m) {
            return m.is(Opcodes.ACC_PUBLIC) ? 3 : m.is(Opcodes.ACC_PROTECTED) ? 2 : m.is(Opcodes.ACC_PRIVATE) ? 0 : 1;
        }
    }

    /** One version of a class: the hidden class holding its methods. */
    private record Version(Class<?> hidden, ClassModel model, Map<String, MethodHandle> methods) {
        Optional<ClassModel.Member> method(String name, String descriptor) {
            return model.methods().stream()
                    .filter(m -> m.name().equals(name) && m.descriptor().equals(descriptor)).findFirst();
        }
    }

    private static final class EntrySite {
        final MutableCallSite site;
        final Class<?> owner;
        final String name;
        final String descriptor;
        final boolean isStatic;
        /** The lambda body this entry runs now, and the version it came from. */
        long bodyHash;
        ClassModel from;

        EntrySite(MutableCallSite site, Class<?> owner, String name, String descriptor, boolean isStatic) {
            this.site = site;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.isStatic = isStatic;
        }
    }

    /** A call site in new code to a member resolved against the newest versions; relinked on each swap. */
    private static final class LinkedSite extends MutableCallSite {
        final int kind;
        final Class<?> owner;
        final String name;
        final String descriptor;

        LinkedSite(MethodType type, int kind, Class<?> owner, String name, String descriptor) {
            super(type);
            this.kind = kind;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
        }
    }

    /** Why the engine cannot take a change: the class, the member when there is one, and what. */
    public record Problem(String className, String member, String message, String hint) {
        public Problem(String className, String member, String message) {
            this(className, member, message, "");
        }
    }

    private static final String LOADER_HINT = "structural swaps need hotswap's classes visible from the class's loader"
            + " (a loader whose parents reach the application class loader, where the agent is); a change to method"
            + " bodies only still swaps";

    /** A class to take to a new version. */
    public record Structural(Class<?> type, byte[] runningBytes, ClassModel running, byte[] nextBytes, ClassModel next) {
    }

    private Engine(Instrumentation instrumentation, MethodHandles.Lookup trusted, Predicate<Class<?>> reloadable,
                   java.util.function.Function<Class<?>, Optional<byte[]>> runningBytes,
                   java.util.function.BiFunction<ClassLoader, String, Optional<byte[]>> seenBytes) {
        this.instrumentation = instrumentation;
        this.trusted = trusted;
        this.reloadable = reloadable;
        this.runningBytes = runningBytes;
        this.seenBytes = seenBytes;
    }

    /**
     * The engine, if this JVM lets the agent open {@code java.lang.invoke} to itself (the one
     * lookup that may define a nestmate of any class, loaded before the agent or not).
     */
    public static Optional<Engine> create(Instrumentation instrumentation, Predicate<Class<?>> reloadable,
                                          java.util.function.Function<Class<?>, Optional<byte[]>> runningBytes,
                                          java.util.function.BiFunction<ClassLoader, String, Optional<byte[]>> seenBytes) {
        Engine existing = Linker.engine;
        if (existing != null) {
            // One engine per JVM: the classes it took over keep their entries, linked to its call
            // sites, across sessions (Hotswap.close() then start() again).
            existing.reloadable = reloadable;
            existing.runningBytes = runningBytes;
            existing.seenBytes = seenBytes;
            return Optional.of(existing);
        }
        try {
            Module invoke = MethodHandles.class.getModule();
            instrumentation.redefineModule(invoke, Set.of(), Map.of(),
                    Map.of("java.lang.invoke", Set.of(Engine.class.getModule())), Set.of(), Map.of());
            Field field = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
            field.setAccessible(true);
            Engine engine = new Engine(instrumentation, (MethodHandles.Lookup) field.get(null), reloadable, runningBytes,
                    seenBytes);
            Linker.engine = engine;
            return Optional.of(engine);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    MethodHandles.Lookup trusted() {
        return trusted;
    }

    Class<?>[] loadedClasses() {
        return instrumentation.getAllLoadedClasses();
    }

    boolean isReloadable(Class<?> type) {
        return reloadable.test(type);
    }

    Optional<byte[]> runningBytes(Class<?> type) {
        return runningBytes.apply(type);
    }

    /** The engine, when this JVM has one. */
    public static Optional<Engine> current() {
        return Optional.ofNullable(Linker.engine);
    }

    /** True when this JVM already has an engine (one per JVM, kept across sessions). */
    public static boolean running() {
        return Linker.engine != null;
    }

    /**
     * True when a class's new modifiers only add {@code final} or {@code abstract}: nothing that
     * runs depends on them (javac saw to it that no subclass or instance is made). Dropping them,
     * or changing visibility, would need the loaded class to allow what it forbids.
     */
    static boolean classModifiersSwappable(int before, int after) {
        int relevant = Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE
                | Opcodes.ACC_ANNOTATION | Opcodes.ACC_ENUM | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_MODULE;
        int changed = (before ^ after) & relevant;
        int added = changed & after;
        return changed == added && (added & ~(Opcodes.ACC_FINAL | Opcodes.ACC_ABSTRACT)) == 0
                && (before & Opcodes.ACC_INTERFACE) == 0;
    }

    /**
     * True when a field's new modifiers can be honoured: by the loaded field for visibility,
     * {@code final}, {@code transient} and {@code volatile} dropped; a field made static or
     * instance is another field (new storage). Not {@code volatile} added to the same field
     * (every access as loaded would stay plain).
     */
    private static boolean fieldModifiersSwappable(ClassModel loaded, ClassModel next, String name) {
        for (ClassModel.Member before : loaded.fields()) {
            for (ClassModel.Member after : next.fields()) {
                if (before.name().equals(name) && after.name().equals(name) && before.descriptor().equals(after.descriptor())) {
                    int changed = before.access() ^ after.access();
                    boolean volatileAdded = after.is(Opcodes.ACC_VOLATILE) && !before.is(Opcodes.ACC_VOLATILE);
                    // static <-> instance: another field (side storage), the loaded one left unused, as a type change.
                    return (changed & (Opcodes.ACC_ENUM | Opcodes.ACC_SYNTHETIC)) == 0
                            && ((changed & Opcodes.ACC_STATIC) != 0 || !volatileAdded);
                }
            }
        }
        return false;
    }

    /** Code written for a class of {@code loader}, pointed at its bridge when it cannot see hotswap ({@link Bridges}). */
    byte[] bridged(ClassLoader loader, byte[] bytes) {
        return bridges.bridged(loader, bytes);
    }

    public boolean manages(Class<?> type) {
        return managed.containsKey(type);
    }

    /**
     * The bytes a class of a watched folder is to be defined with, now that the engine runs
     * classes of its loader ({@link LoadRewriter}); null when they stay as they are. Called by a
     * transformer: takes no lock and loads no class.
     */
    public byte[] atLoad(ClassLoader loader, String internalName, byte[] bytes) {
        Map<String, Managed> classes = loader == null ? null : byName.get(loader);
        if (classes == null) {
            return null;
        }
        try {
            Map<String, String> names = renamed.getOrDefault(loader, Map.of());
            if (names.containsKey(internalName)) {
                // A class loading under its compiled name keeps it (what refers to it runs elsewhere).
                names = new HashMap<>(names);
                names.remove(internalName);
            }
            byte[] renamedBytes = names.isEmpty() || definingRenamed.get() != null ? null : rename(bytes, names);
            byte[] rewritten = LoadRewriter.rewrite(renamedBytes != null ? renamedBytes : bytes, schemas(loader, classes));
            return bridges.bridged(loader, rewritten != null ? rewritten : renamedBytes);
        } catch (RuntimeException e) {
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING,
                    "hotswap: cannot prepare " + internalName + " for the structural engine", e);
            return null;
        }
    }

    /**
     * The bytes to give {@code redefineClasses} for a class: as they would be rewritten at load.
     * Renamed classes are renamed in them already.
     */
    public byte[] asRedefined(Class<?> type, byte[] bytes) {
        definingRenamed.set(Boolean.TRUE);
        try {
            byte[] rewritten = atLoad(type.getClassLoader(), type.getName().replace('.', '/'), bytes);
            return rewritten == null ? bytes : rewritten;
        } finally {
            definingRenamed.remove();
        }
    }

    /** What runs under another name than compiled in this loader (compiled name to running name, internal names). */
    public Map<String, String> renamed(ClassLoader loader) {
        return loader == null ? Map.of() : Map.copyOf(renamed.getOrDefault(loader, Map.of()));
    }

    /** What runs under another name than compiled, when only one class loader has such classes (the usual case). */
    public Map<String, String> renamedInOnlyLoader() {
        List<Map<String, String>> maps = renamed.values().stream().filter(m -> !m.isEmpty()).toList();
        return maps.size() == 1 ? maps.get(0) : Map.of();
    }

    /** A class's bytes with classes renamed ({@code names}: internal names), or null when it names none of them. */
    public static byte[] rename(byte[] bytes, Map<String, String> names) {
        org.objectweb.asm.ClassReader reader = new org.objectweb.asm.ClassReader(bytes);
        if (!LoadRewriter.referencesAny(reader, names.keySet())) {
            return null;
        }
        org.objectweb.asm.ClassWriter writer = new org.objectweb.asm.ClassWriter(0);
        reader.accept(new org.objectweb.asm.commons.ClassRemapper(writer,
                new org.objectweb.asm.commons.SimpleRemapper(names)), 0);
        return writer.toByteArray();
    }

    /** A class the engine defines itself (it has no class file under its name), beside a class of its package. */
    public record NewClass(Class<?> neighbor, String name, byte[] bytes) {
    }

    private LoadRewriter.Schemas schemas(ClassLoader loader, Map<String, Managed> classes) {
        return new LoadRewriter.Schemas() {
            @Override
            public Optional<ClassModel> managed(String internalName) {
                return Optional.ofNullable(classes.get(internalName)).map(m -> m.loaded);
            }

            @Override
            public Optional<ClassModel> current(String internalName) {
                Managed m = classes.get(internalName);
                if (m == null) {
                    return Optional.empty();
                }
                ClassModel next = m.next;
                Version current = m.current;
                return Optional.ofNullable(next != null ? next : current != null ? current.model() : null);
            }

            @Override
            public Optional<ClassModel> schema(String internalName) {
                return managed(internalName).or(() -> seenBytes.apply(loader, internalName).flatMap(Engine::parse));
            }

            @Override
            public boolean anyManaged() {
                return !classes.isEmpty();
            }

            @Override
            public Optional<CodeRewriter.Carrier> carrier(String internalName) {
                return Optional.ofNullable(classes.get(internalName)).map(m -> m.carrier);
            }

            @Override
            public Set<String> managedNames() {
                return classes.keySet();
            }
        };
    }

    /**
     * What keeps the engine from taking {@code next} for {@code type}, one phrase each; empty
     * when it can. Measured against the class as loaded, whose schema never changes.
     */
    public List<Problem> unsupported(Class<?> type, ClassModel running, ClassModel next) {
        Managed m = managed.get(type);
        ClassModel loaded = m != null ? m.loaded : running;
        String name = type.getName();
        List<Problem> problems = new ArrayList<>();
        for (Change change : Classifier.diff(loaded, next)) {
            boolean supported = switch (change.kind()) {
                // Constructors included: an added one runs in a carrier constructor (TrampolineWriter).
                case METHOD_ADDED, METHOD_REMOVED, METHOD_SIGNATURE_CHANGED, METHOD_MODIFIERS_CHANGED,
                        LAMBDA_ADDED, LAMBDA_REMOVED, LAMBDAS_RENUMBERED -> true;
                // Added fields live in side storage; a removed one stays in the object, unused by new code.
                case FIELD_ADDED, FIELD_REMOVED, FIELD_TYPE_CHANGED, FIELDS_REORDERED -> true;
                // The field stays as loaded; accesses its loaded modifiers forbid go through the engine.
                case FIELD_MODIFIERS_CHANGED -> fieldModifiersSwappable(loaded, next, change.member());
                // The class keeps its loaded flags: only a promise that changes nothing for what runs.
                case CLASS_MODIFIERS_CHANGED -> classModifiersSwappable(loaded.access(), next.access());
                // The loaded NestMembers stay; a nested class added later leaves the nest as it loads.
                case NEST_MEMBERS_CHANGED -> true;
                // The new static initializer makes the added constants; see Enums.
                case ENUM_CONSTANT_ADDED, ENUM_CONSTANT_REMOVED -> true;
                default -> false;
            };
            if (!supported) {
                problems.add(new Problem(name, change.member(), change.description()));
            }
        }
        for (ClassModel.Member method : next.methods()) {
            if (method.is(Opcodes.ACC_NATIVE) && loaded.methods().stream().noneMatch(o -> o.name().equals(method.name())
                    && o.descriptor().equals(method.descriptor()) && o.is(Opcodes.ACC_NATIVE))) {
                problems.add(new Problem(name, Classifier.methodName(method),
                        "native method " + Classifier.methodName(method) + " added"));
            }
            if (!method.is(Opcodes.ACC_STATIC) && VersionWriter.belongsInHidden(method)) {
                String hidden = VersionWriter.hiddenDescriptor(next.name(), method);
                if (next.methods().stream().anyMatch(o -> o.is(Opcodes.ACC_STATIC) && o.name().equals(method.name())
                        && o.descriptor().equals(hidden))) {
                    problems.add(new Problem(name, Classifier.methodName(method), "method " + Classifier.methodName(method)
                            + " and a static twin taking the object first"));
                }
            }
        }
        if (!Bridges.possible(type.getClassLoader())) {
            // A loader that cannot see hotswap is bridged, but only to an engine in the system class loader.
            problems.add(new Problem(name, "", "its class loader (" + type.getClassLoader()
                    + ") cannot see hotswap's classes, and hotswap is not in the system class loader", LOADER_HINT));
        }
        return problems;
    }

    /**
     * Applies a batch: plain redefinitions and structural versions together, in one
     * {@code redefineClasses} call. On any exception nothing was applied.
     *
     * @return problems that refuse the batch (nothing applied), or empty on success
     */
    public synchronized List<Problem> apply(List<ClassDefinition> plain, List<Structural> requested) throws Exception {
        return apply(plain, requested, List.of(), Optional.empty());
    }

    /**
     * As {@link #apply(List, List)}, defining {@code added} first (after the classes of the
     * batch are known by name, so that they leave their host's nest as they load), and recording
     * {@code names} (every class that runs under another name than compiled: compiled name to
     * running name) for the loader of the batch on success.
     */
    public synchronized List<Problem> apply(List<ClassDefinition> plain, List<Structural> requested, List<NewClass> added,
                                            Optional<Map<String, String>> names) throws Exception {
        List<Problem> problems = new ArrayList<>();
        List<Structural> structural = withAncestors(requested, problems);
        if (!problems.isEmpty()) {
            return problems;
        }
        List<Managed> touched = new ArrayList<>();
        try {
            Map<Class<?>, Managed> fresh = new HashMap<>();
            Map<Class<?>, Version> versions = new HashMap<>();
            List<Class<?>> toInitialize = new ArrayList<>();
            List<Class<?>> enums = new ArrayList<>();
            for (Structural s : structural) {
                bridges.prepare(s.type(), trusted);
            }
            List<ClassDefinition> definitions = new ArrayList<>(plain);
            Set<String> batchNames = new HashSet<>();
            structural.forEach(s -> batchNames.add(s.next().name()));
            CodeRewriter.Loaded loaded = loadedView(structural, batchNames);
            int next = generation + 1;
            // Every class of the batch is known by name first: classes that load while versions
            // are defined see the batch's new members.
            for (Structural s : structural) {
                Managed m = managed.get(s.type());
                if (m == null) {
                    // The schema the JVM runs: a class that loaded after the engine started was rewritten.
                    byte[] asLoaded = asRedefined(s.type(), Catchers.replant(s.type(), s.runningBytes()));
                    m = new Managed(s.type(), asLoaded, asLoaded == s.runningBytes() ? s.running() : parse(asLoaded).orElseThrow());
                    byName.computeIfAbsent(s.type().getClassLoader(), l -> new ConcurrentHashMap<>())
                            .put(m.loaded.name(), m);
                    fresh.put(s.type(), m);
                }
                m.next = s.next();
                touched.add(m);
            }
            // The plain redefinitions, rewritten now that the batch's classes are known by name.
            definitions.clear();
            plain.forEach(d -> definitions.add(new ClassDefinition(d.getDefinitionClass(), asRedefined(d.getDefinitionClass(),
                    Catchers.replant(d.getDefinitionClass(), d.getDefinitionClassFile())))));
            for (NewClass c : added) {
                definingRenamed.set(Boolean.TRUE);
                try {
                    trusted.in(c.neighbor()).defineClass(c.bytes());
                } finally {
                    definingRenamed.remove();
                }
            }
            for (Structural s : structural) {
                List<String> found = new ArrayList<>();
                Managed m = fresh.containsKey(s.type()) ? fresh.get(s.type()) : managed.get(s.type());
                if (fresh.containsKey(s.type())) {
                    m.original = define(m, s.runningBytes(), s.running(), loaded, found, 0, Set.of());
                    m.constructorsFrom = s.running();
                }
                ClassModel previous = m.current != null ? m.current.model() : s.running();
                Set<String> initialize = newStatics(m.loaded, previous, s.next());
                if ((s.next().access() & Opcodes.ACC_ENUM) != 0 && !constants(previous).equals(constants(s.next()))) {
                    // The values array is built anew from the constants: kept ones are the same objects.
                    initialize.addAll(valuesArrays(s.next()));
                    enums.add(s.type());
                }
                if (!initialize.isEmpty()) {
                    toInitialize.add(s.type());
                }
                versions.put(s.type(), define(m, s.nextBytes(), s.next(), loaded, found, next, initialize));
                for (ClassModel.Member ctor : s.next().methods()) {
                    if (ctor.name().equals("<init>") && !LoadRewriter.declares(m.loaded, false, "<init>", ctor.descriptor(), false)
                            && !m.addedConstructors.contains(ctor.descriptor())) {
                        m.addedConstructors.add(ctor.descriptor());
                    }
                }
                if (fresh.containsKey(s.type()) || !sameConstructors(m.constructorsFrom, s.next())) {
                    definitions.add(new ClassDefinition(s.type(), bridges.bridged(s.type().getClassLoader(),
                            TrampolineWriter.write(m.loadedBytes, s.nextBytes(), s.next(), loaded, found,
                                    m.carrier == null ? "" : m.carrier.descriptor(), List.copyOf(m.addedConstructors)))));
                }
                found.forEach(message -> problems.add(new Problem(s.type().getName(), "", message)));
            }
            if (!problems.isEmpty()) {
                return problems;
            }
            for (Structural s : structural) {
                Module module = s.type().getModule();
                if (module.isNamed() && !module.canRead(Linker.class.getModule())) {
                    // Entries call our bootstrap methods: a named module must read hotswap's module.
                    instrumentation.redefineModule(module, Set.of(Linker.class.getModule()), Map.of(), Map.of(), Set.of(),
                            Map.of());
                }
            }
            definitions.addAll(staleFieldUsers(structural, plain));
            if (!definitions.isEmpty()) {
                instrumentation.redefineClasses(definitions.toArray(ClassDefinition[]::new));
            }
            generation = next;
            managed.putAll(fresh);
            if (!structural.isEmpty() && names.isPresent()) {
                renamed.put(structural.get(0).type().getClassLoader(), Map.copyOf(names.get()));
            }
            for (Structural s : structural) {
                Managed m = managed.get(s.type());
                m.current = versions.get(s.type());
                m.constructorsFrom = s.next();
            }
            overriddenAnew = overriddenAnew();
            dispatch.clear();
            relink();
            for (Class<?> type : toInitialize) {
                initializeAddedStatics(versions.get(type));
            }
            if (!enums.isEmpty()) {
                Enums.renumber(trusted, enums);
                Enums.refreshSwitchTables(this, enums, plain, loaded);
            }
            return List.of();
        } finally {
            touched.forEach(m -> m.next = null);
        }
    }

    /**
     * An override added in a new version is only reached if calls through the overridden method
     * dispatch on the receiver: the class declaring it must have entries too. Such ancestors join
     * the batch unchanged; an ancestor hotswap may not change (a JDK class) refuses the batch.
     */
    private List<Structural> withAncestors(List<Structural> requested, List<Problem> problems) {
        List<Structural> all = new ArrayList<>(requested);
        Set<Class<?>> included = new HashSet<>();
        requested.forEach(s -> included.add(s.type()));
        for (Structural s : requested) {
            ClassModel loaded = managed.containsKey(s.type()) ? managed.get(s.type()).loaded : s.running();
            Set<String> loadedMembers = instanceMembers(loaded);
            for (String member : instanceMembers(s.next())) {
                if (loadedMembers.contains(member)) {
                    continue;
                }
                int paren = member.indexOf('(');
                String name = member.substring(0, paren);
                String descriptor = member.substring(paren);
                if (declaresInstance(s.type(), name, descriptor)) {
                    continue; // planted at load (Catchers): the class has its own entry for it
                }
                for (Class<?> k = s.type().getSuperclass(); k != null; k = k.getSuperclass()) {
                    if (!declaresInstance(k, name, descriptor)) {
                        continue;
                    }
                    if (managed.containsKey(k) || included.contains(k)) {
                        break;
                    }
                    Optional<byte[]> bytes = reloadable.test(k) ? runningBytes.apply(k) : Optional.empty();
                    Optional<ClassModel> model = bytes.flatMap(Engine::parse);
                    if (model.isEmpty()) {
                        String method = name + descriptor.substring(0, descriptor.indexOf(')') + 1);
                        problems.add(new Problem(s.type().getName(), method, "method " + method + " now overrides "
                                + k.getName() + "." + name + ", a class hotswap cannot change"));
                        break;
                    }
                    all.add(new Structural(k, bytes.get(), model.get(), bytes.get(), model.get()));
                    included.add(k);
                    break;
                }
            }
        }
        return all;
    }

    private static boolean declaresInstance(Class<?> k, String name, String descriptor) {
        for (Method method : k.getDeclaredMethods()) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && !Modifier.isStatic(method.getModifiers()) && !Modifier.isPrivate(method.getModifiers())) {
                return true;
            }
        }
        return false;
    }

    private static Optional<ClassModel> parse(byte[] bytes) {
        try {
            return Optional.of(ClassModel.parse(bytes));
        } catch (dev.hotswap.classfile.InvalidClassFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Static fields added by a swap get their initializers: the new static initializer runs once
     * more, writing only those fields (every other static keeps its value; the values computed
     * for them are dropped). Its other effects run again too — the rule is simple and visible.
     */
    private void initializeAddedStatics(Version version) {
        try {
            MethodHandles.Lookup lookup = trusted.in(version.hidden());
            lookup.findStatic(version.hidden(), VersionWriter.CLINIT, MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            System.err.println("hotswap: the static initializer of " + version.model().javaName() + " threw "
                    + rootCause(e) + " while setting its added static fields; they keep their default values");
        }
    }

    /** The exception that started it, for a one-line report (a bootstrap method error says nothing itself). */
    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }

    /** The method a method handle constant in new code means, found in the newest versions ({@link Linker#lambdaOf}). */
    synchronized MethodHandle target(int tag, Class<?> owner, String name, String descriptor) throws NoSuchMethodException {
        MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
        Optional<MethodHandle> found = switch (tag) {
            case Opcodes.H_INVOKESTATIC -> newest(owner, name, descriptor, true);
            case Opcodes.H_INVOKESPECIAL -> newest(owner, name, descriptor, false);
            default -> {
                try {
                    // A method the loaded class has: the JVM's own dispatch (entries lead to the newest versions).
                    yield Optional.of(trusted.findVirtual(owner, name, type));
                } catch (NoSuchMethodException | IllegalAccessException e) {
                    yield Optional.of(dispatcher(type.insertParameterTypes(0, owner), name, descriptor, Optional.empty()));
                }
            }
        };
        return found.orElseThrow(() -> new NoSuchMethodException(owner.getName() + "." + name + descriptor));
    }

    /**
     * Classes outside the batch whose code names a field that a class of the batch, as loaded,
     * has and that its newest version drops (or takes back): rewritten as if they loaded now, so
     * such code gets {@code NoSuchFieldError}, as after a fresh compile (and the field again once
     * it is back). Looked for only when a batch removes or restores fields.
     */
    private List<ClassDefinition> staleFieldUsers(List<Structural> structural, List<ClassDefinition> plain) {
        Set<String> changed = new HashSet<>();
        for (Structural s : structural) {
            Managed m = managed.get(s.type());
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
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (batch.contains(type) || managed.containsKey(type) || type.isArray() || type.isHidden()
                    || type.getClassLoader() == null || !reloadable.test(type)) {
                continue;
            }
            Optional<byte[]> bytes = seenBytes.apply(type.getClassLoader(), type.getName().replace('.', '/'));
            if (bytes.isPresent() && new RawClassFile(bytes.get()).fieldReferences().stream().anyMatch(changed::contains)) {
                // As at load: renamed anonymous classes too, since these are the bytes as compiled.
                byte[] planted = Catchers.replant(type, bytes.get());
                byte[] rewritten = atLoad(type.getClassLoader(), type.getName().replace('.', '/'), planted);
                result.add(new ClassDefinition(type, rewritten != null ? rewritten : planted));
            }
        }
        return result;
    }

    /** The number of a constructor that a swap added to {@code owner}, or -1. */
    int constructorIndex(Class<?> owner, String descriptor) {
        Managed m = managed.get(owner);
        return m == null ? -1 : m.addedConstructors.indexOf(descriptor);
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

    private Version define(Managed m, byte[] bytes, ClassModel model, CodeRewriter.Loaded loaded, List<String> problems,
                           int version, Set<String> initialize) throws IllegalAccessException, NoSuchMethodException {
        String hiddenName = model.name() + "$$hotswap" + version;
        byte[] hiddenBytes = VersionWriter.write(bytes, model, hiddenName, loaded, problems, initialize);
        if (!problems.isEmpty()) {
            return null;
        }
        hiddenBytes = bridges.bridged(m.type.getClassLoader(), hiddenBytes);
        MethodHandles.Lookup host = trusted.in(m.type);
        // Not STRONG: once no entry points at it and no frame runs it, the version is unloaded.
        MethodHandles.Lookup hidden = host.defineHiddenClass(hiddenBytes, true, MethodHandles.Lookup.ClassOption.NESTMATE);
        Map<String, MethodHandle> methods = new HashMap<>();
        for (ClassModel.Member method : model.methods()) {
            if (VersionWriter.belongsInHidden(method)) {
                MethodType type = MethodType.fromMethodDescriptorString(
                        VersionWriter.hiddenDescriptor(model.name(), method), m.type.getClassLoader());
                methods.put(method.name() + method.descriptor(), hidden.findStatic(hidden.lookupClass(), method.name(), type));
            }
        }
        Version result = new Version(hidden.lookupClass(), model, methods);
        versionOf.get(hidden.lookupClass()).set(result);
        return result;
    }

    /** Instance members that some version added or removed in a class: calls to them dispatch on the receiver. */
    private Set<String> overriddenAnew() {
        Set<String> result = new HashSet<>();
        for (Managed m : managed.values()) {
            Set<String> before = instanceMembers(m.loaded);
            Set<String> after = instanceMembers(m.current.model());
            for (String member : before) {
                if (!after.contains(member)) {
                    result.add(member);
                }
            }
            for (String member : after) {
                if (!before.contains(member)) {
                    result.add(member);
                }
            }
        }
        return Set.copyOf(result);
    }

    private static Set<String> instanceMembers(ClassModel model) {
        Set<String> members = new HashSet<>();
        for (ClassModel.Member m : model.methods()) {
            if (!m.is(Opcodes.ACC_STATIC) && !m.is(Opcodes.ACC_PRIVATE) && !m.is(Opcodes.ACC_ABSTRACT)
                    && !m.name().startsWith("<") && !Catchers.isCatcher(m.name(), m.descriptor(), m.access())) {
                members.add(m.name() + m.descriptor());
            }
        }
        return members;
    }

    // ---- call sites ----

    synchronized MutableCallSite entrySite(Class<?> owner, String name, String descriptor, boolean isStatic, MethodType type) {
        String key = owner.getName() + '.' + name + descriptor + (isStatic ? "S" : "I") + '@'
                + System.identityHashCode(owner.getClassLoader());
        EntrySite entry = entries.get(key);
        if (entry == null) {
            entry = new EntrySite(new MutableCallSite(type), owner, name, descriptor, isStatic);
            Managed m = managed.get(owner);
            if (m != null) {
                ClassModel.Member loadedMember = m.original.method(name, descriptor).orElse(null);
                entry.bodyHash = loadedMember == null ? 0 : m.loaded.bodyHash(loadedMember).orElse(0L);
                entry.from = m.loaded;
                if (name.startsWith("lambda$") && loadedMember != null) {
                    // Until a version holds this very body, the lambda runs the body it had.
                    entry.site.setTarget(m.original.methods().get(name + descriptor).asType(type));
                }
            }
            link(entry);
            entries.put(key, entry);
        }
        return entry.site;
    }

    synchronized java.lang.invoke.CallSite callSite(Class<?> caller, int kind, Class<?> owner, String name, String descriptor,
                                          MethodType type) {
        if (kind == Linker.PROTECTED) {
            // The JVM's own dispatch, through the one lookup that may reach the member from here.
            MethodType member = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
            try {
                MethodHandle handle = type.parameterCount() == member.parameterCount()
                        ? trusted.findStatic(owner, name, member) : trusted.findVirtual(owner, name, member);
                return new java.lang.invoke.ConstantCallSite(handle.asType(type));
            } catch (ReflectiveOperationException e) {
                return new java.lang.invoke.ConstantCallSite(noSuchMethod(type, owner.getName() + "." + name + descriptor));
            }
        }
        if (kind == Linker.VIRTUAL) {
            return new MutableCallSite(dispatcher(type, name, descriptor, Optional.ofNullable(versionOf.get(caller).get())));
        }
        LinkedSite site = new LinkedSite(type, kind, owner, name, descriptor);
        link(site);
        calls.add(new java.lang.ref.WeakReference<>(site));
        return site;
    }

    private void relink() {
        List<MutableCallSite> sites = new ArrayList<>();
        for (EntrySite entry : entries.values()) {
            link(entry);
            sites.add(entry.site);
        }
        calls.removeIf(ref -> ref.get() == null);
        for (java.lang.ref.WeakReference<LinkedSite> ref : calls) {
            LinkedSite site = ref.get();
            if (site != null) {
                link(site);
                sites.add(site);
            }
        }
        MutableCallSite.syncAll(sites.toArray(MutableCallSite[]::new));
    }

    private void link(EntrySite entry) {
        MethodType type = entry.site.type();
        Managed m = managed.get(entry.owner);
        if (m == null || m.current == null) {
            return;
        }
        Version v = m.current;
        String what = entry.owner.getName() + "." + entry.name + entry.descriptor;
        Optional<ClassModel.Member> now = v.method(entry.name, entry.descriptor);
        if (entry.name.startsWith("lambda$")) {
            linkLambda(entry, v, type);
            return;
        }
        if (entry.isStatic) {
            entry.site.setTarget(now.filter(x -> x.is(Opcodes.ACC_STATIC)).map(x -> v.methods().get(entry.name + entry.descriptor))
                    .map(h -> h.asType(type)).orElseGet(() -> noSuchMethod(type, what)));
            return;
        }
        if (now.isEmpty() && m.loaded.methods().stream().anyMatch(x -> x.name().equals(entry.name)
                && x.descriptor().equals(entry.descriptor) && Catchers.isCatcher(x.name(), x.descriptor(), x.access()))) {
            // A planted toString() & co. that the class does not declare now: the inherited one, as
            // the JVM's own dispatch already reached this class's entry for this receiver.
            Class<?> parent = entry.owner.getSuperclass();
            entry.site.setTarget(implementation(parent, entry.name, entry.descriptor).map(h -> h.asType(type))
                    .orElseGet(() -> noSuchMethod(type, what)));
            return;
        }
        boolean direct = now.isPresent() && !now.get().is(Opcodes.ACC_STATIC) && !now.get().is(Opcodes.ACC_ABSTRACT)
                && (now.get().is(Opcodes.ACC_PRIVATE) || !overriddenAnew.contains(entry.name + entry.descriptor)
                || Catchers.METHODS.contains(entry.name + entry.descriptor));
        entry.site.setTarget(direct ? v.methods().get(entry.name + entry.descriptor).asType(type)
                : dispatcher(type, entry.name, entry.descriptor, Optional.empty()));
    }

    /**
     * A lambda object made before the swap runs its own body, in whatever version has it, and
     * never another lambda's: javac renumbers lambdas when one is inserted or moved. The same
     * body under any name wins; else the same name, unless that name now holds a body that was
     * another lambda's; else the body it had.
     */
    private void linkLambda(EntrySite entry, Version v, MethodType type) {
        ClassModel.Member sameName = null;
        for (ClassModel.Member candidate : v.model().methods()) {
            if (!candidate.name().startsWith("lambda$") || !candidate.descriptor().equals(entry.descriptor)
                    || candidate.is(Opcodes.ACC_STATIC) != entry.isStatic) {
                continue;
            }
            if (v.model().bodyHash(candidate).orElse(1L) == entry.bodyHash) {
                retarget(entry, v, candidate, type);
                return;
            }
            if (candidate.name().equals(entry.name)) {
                sameName = candidate;
            }
        }
        if (sameName != null && entry.from != null) {
            long body = v.model().bodyHash(sameName).orElse(1L);
            boolean anotherLambdasBody = entry.from.methods().stream()
                    .anyMatch(old -> old.name().startsWith("lambda$") && !old.name().equals(entry.name)
                            && entry.from.bodyHash(old).orElse(2L) == body);
            if (!anotherLambdasBody) {
                retarget(entry, v, sameName, type);
            }
        }
    }

    private static void retarget(EntrySite entry, Version v, ClassModel.Member lambda, MethodType type) {
        entry.site.setTarget(v.methods().get(lambda.name() + lambda.descriptor()).asType(type));
        entry.bodyHash = v.model().bodyHash(lambda).orElse(0L);
        entry.from = v.model();
    }

    private void link(LinkedSite site) {
        MethodType type = site.type();
        String what = site.owner.getName() + "." + site.name + site.descriptor;
        Optional<MethodHandle> target = switch (site.kind) {
            case Linker.STATIC -> newest(site.owner, site.name, site.descriptor, true);
            case Linker.DIRECT -> newest(site.owner, site.name, site.descriptor, false);
            default -> implementation(site.owner, site.name, site.descriptor);
        };
        site.setTarget(target.map(h -> h.asType(type)).orElseGet(() -> noSuchMethod(type, what)));
    }

    synchronized java.lang.invoke.CallSite fieldSite(int opcode, Class<?> owner, String name, String descriptor,
                                                     MethodType type) {
        boolean isStatic = opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC;
        Class<?> declaring = declaringClass(owner, name, descriptor, isStatic);
        String key = declaring.getName() + '@' + System.identityHashCode(declaring.getClassLoader()) + '.' + name + ':'
                + descriptor;
        Class<?> fieldType = type(descriptor, declaring.getClassLoader());
        MethodHandle handle;
        Optional<Field> physical = physicalField(owner, name, descriptor, isStatic);
        if (physical.isEmpty() && !declaredByNewest(declaring, name, descriptor, isStatic)) {
            // Removed by a swap: code that still names it fails as it would after a fresh compile.
            // A new error at each access, as the JVM throws: its trace is the caller's.
            MethodHandle thrower = MethodHandles.insertArguments(NO_SUCH_FIELD, 0, owner.getName() + "." + name)
                    .asType(MethodType.methodType(type.returnType()));
            return new java.lang.invoke.ConstantCallSite(MethodHandles.dropArguments(thrower, 0, type.parameterList()));
        }
        try {
            if (physical.isPresent()) {
                // A private field of another class of a nest that a new nested class had to leave.
                Field f = physical.get();
                MethodHandles.Lookup in = trusted; // itself: in() would drop the right to set a final field
                handle = switch (opcode) {
                    case Opcodes.GETFIELD -> in.findGetter(f.getDeclaringClass(), name, fieldType);
                    case Opcodes.PUTFIELD -> in.findSetter(f.getDeclaringClass(), name, fieldType);
                    case Opcodes.GETSTATIC -> in.findStaticGetter(f.getDeclaringClass(), name, fieldType);
                    default -> in.findStaticSetter(f.getDeclaringClass(), name, fieldType);
                };
            } else if (isStatic) {
                Object holder = addedFields.computeIfAbsent(key,
                        k -> java.lang.reflect.Array.newInstance(fieldType.isPrimitive() ? fieldType : Object.class, 1));
                MethodHandle access = opcode == Opcodes.GETSTATIC
                        ? MethodHandles.arrayElementGetter(holder.getClass()) : MethodHandles.arrayElementSetter(holder.getClass());
                handle = MethodHandles.insertArguments(access, 0, holder, 0);
            } else {
                Object defaultValue = fieldType.isPrimitive() ? java.lang.reflect.Array.get(
                        java.lang.reflect.Array.newInstance(fieldType, 1), 0) : null;
                FieldStore store = (FieldStore) addedFields.computeIfAbsent(key, k -> new FieldStore(defaultValue));
                handle = (opcode == Opcodes.GETFIELD ? FIELD_GET : FIELD_SET).bindTo(store);
            }
        } catch (RuntimeException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make storage for field " + key, e);
        }
        return new java.lang.invoke.ConstantCallSite(handle.asType(type));
    }

    private boolean declaredByNewest(Class<?> declaring, String name, String descriptor, boolean isStatic) {
        Managed m = managed.get(declaring);
        ClassModel newest = m == null ? null : m.next != null ? m.next : m.current != null ? m.current.model() : null;
        return newest == null || LoadRewriter.declares(newest, true, name, descriptor, isStatic);
    }

    /** A field the loaded class (or an ancestor) has, when the newest version still declares it there. */
    private Optional<Field> physicalField(Class<?> owner, String name, String descriptor, boolean isStatic) {
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            Managed m = managed.get(k);
            boolean removed = m != null && m.current != null && m.current.model().fields().stream()
                    .noneMatch(f -> f.name().equals(name) && f.descriptor().equals(descriptor));
            for (Field f : k.getDeclaredFields()) {
                if (f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)
                        && Modifier.isStatic(f.getModifiers()) == isStatic) {
                    return removed ? Optional.empty() : Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    /** The class whose newest version declares an added field, searching up from the class the code names. */
    private Class<?> declaringClass(Class<?> owner, String name, String descriptor, boolean isStatic) {
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            Managed m = managed.get(k);
            if (m != null && m.current != null && m.current.model().fields().stream().anyMatch(f -> f.name().equals(name)
                    && f.descriptor().equals(descriptor) && f.is(Opcodes.ACC_STATIC) == isStatic)) {
                return k;
            }
        }
        return owner;
    }

    private static Class<?> type(String descriptor, ClassLoader loader) {
        return MethodType.fromMethodDescriptorString("()" + descriptor, loader).returnType();
    }

    /** An enum's constants in declaration order. */
    private static List<String> constants(ClassModel model) {
        return model.fields().stream().filter(f -> f.is(Opcodes.ACC_ENUM)).map(ClassModel.Member::name).toList();
    }

    /** The synthetic static array of its own constants that javac gives an enum ({@code $VALUES}). */
    private static Set<String> valuesArrays(ClassModel model) {
        Set<String> result = new LinkedHashSet<>();
        model.fields().stream().filter(f -> f.is(Opcodes.ACC_STATIC) && f.is(Opcodes.ACC_SYNTHETIC)
                && f.descriptor().equals("[L" + model.name() + ";")).forEach(f -> result.add(f.name() + ":" + f.descriptor()));
        return result;
    }

    /** Added static fields of {@code next} that the previous version did not have: their initializers run now. */
    private static Set<String> newStatics(ClassModel loaded, ClassModel previous, ClassModel next) {
        Set<String> result = new LinkedHashSet<>();
        for (ClassModel.Member field : next.fields()) {
            String key = field.name() + ":" + field.descriptor();
            boolean existed = previous.fields().stream().anyMatch(f -> (f.name() + ":" + f.descriptor()).equals(key)
                    && f.is(Opcodes.ACC_STATIC)) || loaded.fields().stream().anyMatch(f -> (f.name() + ":" + f.descriptor())
                    .equals(key) && f.is(Opcodes.ACC_STATIC));
            if (field.is(Opcodes.ACC_STATIC) && !existed) {
                result.add(key);
            }
        }
        return result;
    }

    /** The newest version of a static method of a class (for {@code @OnReload} hooks that may be new). */
    public synchronized Optional<MethodHandle> newestStatic(Class<?> owner, String name, String descriptor) {
        return newest(owner, name, descriptor, true);
    }

    /** The newest version of a member declared by {@code owner} itself. */
    private Optional<MethodHandle> newest(Class<?> owner, String name, String descriptor, boolean isStatic) {
        Managed m = managed.get(owner);
        if (m != null && m.current != null) {
            return m.current.method(name, descriptor).filter(x -> x.is(Opcodes.ACC_STATIC) == isStatic)
                    .map(x -> m.current.methods().get(name + descriptor));
        }
        for (Method method : owner.getDeclaredMethods()) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && Modifier.isStatic(method.getModifiers()) == isStatic) {
                try {
                    return Optional.of(isStatic ? trusted.in(owner).unreflect(method)
                            : trusted.in(owner).unreflectSpecial(method, owner));
                } catch (IllegalAccessException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** A call site target that finds the implementation for the receiver's class, cached per class. */
    private MethodHandle dispatcher(MethodType type, String name, String descriptor, Optional<Version> caller) {
        MethodHandle resolver = MethodHandles.insertArguments(RESOLVE, 0, this, name, descriptor, type, caller);
        resolver = resolver.asType(MethodType.methodType(MethodHandle.class, type.parameterType(0)));
        resolver = MethodHandles.dropArguments(resolver, 1, type.parameterList().subList(1, type.parameterCount()));
        return MethodHandles.foldArguments(MethodHandles.exactInvoker(type), resolver);
    }

    /** Called by dispatching call sites: the implementation of {@code name} for this receiver. */
    MethodHandle resolve(String name, String descriptor, MethodType type, Optional<Version> caller, Object receiver) {
        if (receiver == null) {
            throw new NullPointerException("Cannot invoke " + name + "() because the receiver is null");
        }
        Class<?> receiverClass = receiver.getClass();
        String key = receiverClass.getName() + '@' + System.identityHashCode(receiverClass) + '.' + name + descriptor + type;
        Optional<MethodHandle> found = Optional.ofNullable(dispatch.get(key));
        if (found.isPresent()) {
            return found.get();
        }
        // Code of an older version still running (a frame that began before the swap) may call a
        // method the newest version removed: it finishes with its own version's sibling.
        MethodHandle target = implementation(receiverClass, name, descriptor)
                .or(() -> caller.filter(v -> v.method(name, descriptor).filter(m -> !m.is(Opcodes.ACC_STATIC)).isPresent())
                        .map(v -> v.methods().get(name + descriptor)))
                .map(h -> h.asType(type))
                .orElseGet(() -> noSuchMethod(type, receiverClass.getName() + "." + name + descriptor));
        if (caller.isEmpty()) {
            dispatch.put(key, target);
        }
        return target;
    }

    /** The implementation a virtual call finds, starting at {@code start}: newest versions first. */
    private Optional<MethodHandle> implementation(Class<?> start, String name, String descriptor) {
        for (Class<?> k = start; k != null; k = k.getSuperclass()) {
            Optional<MethodHandle> found = declared(k, name, descriptor);
            if (found.isPresent()) {
                return found;
            }
        }
        Deque<Class<?>> interfaces = new ArrayDeque<>();
        Set<Class<?>> seen = new LinkedHashSet<>();
        for (Class<?> k = start; k != null; k = k.getSuperclass()) {
            interfaces.addAll(List.of(k.getInterfaces()));
        }
        if (start.isInterface()) {
            interfaces.add(start);
        }
        while (!interfaces.isEmpty()) {
            Class<?> i = interfaces.poll();
            if (seen.add(i)) {
                Optional<MethodHandle> found = declared(i, name, descriptor);
                if (found.isPresent()) {
                    return found;
                }
                interfaces.addAll(List.of(i.getInterfaces()));
            }
        }
        return Optional.empty();
    }

    /** The body of an instance method declared by {@code k} (in its newest version), if any. */
    private Optional<MethodHandle> declared(Class<?> k, String name, String descriptor) {
        Managed m = managed.get(k);
        if (m != null && m.current != null) {
            return m.current.method(name, descriptor)
                    .filter(x -> !x.is(Opcodes.ACC_STATIC) && !x.is(Opcodes.ACC_ABSTRACT))
                    .map(x -> m.current.methods().get(name + descriptor));
        }
        for (Method method : k.getDeclaredMethods()) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && !Modifier.isStatic(method.getModifiers()) && !Modifier.isAbstract(method.getModifiers())) {
                try {
                    return Optional.of(trusted.in(k).unreflectSpecial(method, k));
                } catch (IllegalAccessException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static MethodHandle noSuchMethod(MethodType type, String what) {
        MethodHandle thrower = MethodHandles.insertArguments(NO_SUCH_METHOD, 0, what)
                .asType(MethodType.methodType(type.returnType()));
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    // ---- what the loaded classes have ----

    private CodeRewriter.Loaded loadedView(List<Structural> structural, Set<String> batchNames) {
        Map<String, Class<?>> byName = new HashMap<>();
        structural.forEach(s -> byName.put(s.next().name(), s.type()));
        managed.values().forEach(m -> byName.put(m.loaded.name(), m.type));
        ClassLoader loader = structural.isEmpty() ? null : structural.get(0).type().getClassLoader();
        Map<String, Optional<Class<?>>> resolved = new HashMap<>();
        return new CodeRewriter.Loaded() {
            private Optional<Class<?>> find(String owner) {
                return resolved.computeIfAbsent(owner, o -> {
                    Class<?> known = byName.get(o);
                    if (known != null) {
                        return Optional.of(known);
                    }
                    if (o.startsWith("[") || loader == null) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(Class.forName(o.replace('/', '.'), false, loader));
                    } catch (ClassNotFoundException | LinkageError e) {
                        return Optional.empty();
                    }
                });
            }

            @Override
            public boolean isPublicInterface(String internalName) {
                return find(internalName).or(() -> {
                    try {
                        return Optional.of(Class.forName(internalName.replace('/', '.'), false, loader));
                    } catch (ClassNotFoundException | LinkageError e) {
                        return Optional.empty();
                    }
                }).filter(c -> c.isInterface() && Modifier.isPublic(c.getModifiers())).isPresent();
            }

            @Override
            public boolean isReloadable(String owner) {
                return batchNames.contains(owner) || find(owner).filter(c -> managed.containsKey(c) || reloadable.test(c)).isPresent();
            }

            @Override
            public boolean hasField(String owner, String name, String descriptor, boolean isStatic) {
                // An owner we cannot find is not ours to judge: the access stays as compiled.
                return find(owner).map(type -> inHierarchy(type, k -> List.of(k.getDeclaredFields()).stream()
                        .anyMatch(f -> f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)
                                && Modifier.isStatic(f.getModifiers()) == isStatic))).orElse(true);
            }

            @Override
            public Optional<String> protectedDeclarer(String owner, String name, String descriptor, boolean field) {
                return find(owner).flatMap(type -> {
                    for (Class<?> k = type; k != null; k = k.getSuperclass()) {
                        int modifiers = -1;
                        if (field) {
                            for (Field f : k.getDeclaredFields()) {
                                if (f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)) {
                                    modifiers = f.getModifiers();
                                }
                            }
                        } else {
                            for (Method m : k.getDeclaredMethods()) {
                                if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)) {
                                    modifiers = m.getModifiers();
                                }
                            }
                        }
                        if (modifiers != -1) {
                            return Modifier.isProtected(modifiers) ? Optional.of(k.getName().replace('.', '/'))
                                    : Optional.empty();
                        }
                    }
                    return Optional.empty();
                });
            }

            private Optional<Managed> named(String owner) {
                Map<String, Managed> classes = loader == null ? null : Engine.this.byName.get(loader);
                return Optional.ofNullable(classes == null ? null : classes.get(owner));
            }

            @Override
            public boolean hasConstructor(String owner, String descriptor) {
                return named(owner).map(m -> LoadRewriter.declares(m.loaded, false, "<init>", descriptor, false)).orElse(true);
            }

            @Override
            public Optional<CodeRewriter.Carrier> carrier(String owner) {
                return named(owner).map(m -> m.carrier);
            }

            @Override
            public boolean removedField(String owner, String name, String descriptor, boolean isStatic) {
                Map<String, Managed> classes = loader == null ? null : Engine.this.byName.get(loader);
                Managed m = classes == null ? null : classes.get(owner);
                if (m == null) {
                    return false;
                }
                ClassModel newest = m.next != null ? m.next : m.current != null ? m.current.model() : null;
                return newest != null && LoadRewriter.declares(m.loaded, true, name, descriptor, isStatic)
                        && !LoadRewriter.declares(newest, true, name, descriptor, isStatic);
            }

            @Override
            public boolean fieldAccessChanged(String accessor, String owner, String name, String descriptor,
                                              boolean isStatic, boolean write) {
                Map<String, Managed> classes = loader == null ? null : Engine.this.byName.get(loader);
                Managed m = classes == null ? null : classes.get(owner);
                if (m == null) {
                    return false;
                }
                ClassModel newest = m.next != null ? m.next : m.current != null ? m.current.model() : null;
                return newest != null && LoadRewriter.fieldAccessChanged(m.loaded, newest, accessor, name, descriptor,
                        isStatic, write);
            }

            @Override
            public boolean privateInNest(ClassModel self, String owner, String name, String descriptor, boolean field) {
                Map<String, Managed> classes = loader == null ? null : Engine.this.byName.get(loader);
                return classes != null && LoadRewriter.privateInNest(self, owner, name, descriptor, field,
                        schemas(loader, classes));
            }

            @Override
            public boolean has(String owner, String name, String descriptor, boolean isStatic) {
                return find(owner).map(type -> inHierarchy(type, k -> List.of(k.getDeclaredMethods()).stream()
                        .anyMatch(m -> m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)
                                && Modifier.isStatic(m.getModifiers()) == isStatic))).orElse(true);
            }
        };
    }

    /** True when {@code declares} holds for {@code start} or any of its superclasses and superinterfaces. */
    private static boolean inHierarchy(Class<?> start, Predicate<Class<?>> declares) {
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(start));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> k = todo.poll();
            if (!seen.add(k)) {
                continue;
            }
            if (declares.test(k)) {
                return true;
            }
            if (k.getSuperclass() != null) {
                todo.add(k.getSuperclass());
            }
            todo.addAll(List.of(k.getInterfaces()));
        }
        return false;
    }
}

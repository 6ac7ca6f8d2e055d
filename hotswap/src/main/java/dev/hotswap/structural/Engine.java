package dev.hotswap.structural;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.ConstantPool;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

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
 * <p>The parts: {@link Policy} (what it takes), {@link Registry} (what it runs),
 * {@link Transaction} (a batch: prepare, commit, publish), {@link CallSites} and
 * {@link AddedFields} (what the code it writes links to), {@link LoadedView} (what the loaded
 * classes have), {@link LoadRewriter} (classes as they load).
 *
 * <p>The engine's power (a lookup that reaches every member of every class) serves only code it
 * wrote: each bootstrap method checks its caller ({@link Bootstraps}), and what that code reaches
 * follows the access rules of its source ({@link Access}). Nothing public hands the engine out:
 * {@link #create} needs the JVM's {@link Instrumentation}, which is already every power.
 *
 * <p>Thread-safety: batches one at a time; the bootstrap methods and a batch's commit and
 * publication hold this object's lock, which is never held while user code runs.
 */
public final class Engine {

    private final Instrumentation instrumentation;
    private final MethodHandles.Lookup trusted;
    // Replaced when a later session takes over the engine (see create).
    private volatile Predicate<Class<?>> reloadable;
    private volatile Function<Class<?>, Optional<byte[]>> runningBytes;
    private volatile BiFunction<ClassLoader, String, Optional<byte[]>> seenBytes;
    private volatile Consumer<String> problems;
    private volatile Consumer<java.util.Collection<Class<?>>> reshaped = types -> { };
    private final Registry registry = new Registry();
    private final Bridges bridges = new Bridges();
    private final CallSites sites;
    private final AddedFields fields;
    private final Policy policy;
    private final Transaction transaction;
    private final OwnRedefinitions redefinitions;
    private final EngineShapes shapes;
    private final NpeMessages npes;
    private final Bootstraps bootstraps;
    /** Set while the engine defines a class whose bytes it already renamed. */
    private final ThreadLocal<Boolean> definingRenamed = new ThreadLocal<>();
    /** New versions as named classes ({@link Relocator}); hidden ones otherwise. */
    private volatile boolean named;
    private volatile boolean sayFallbacks;
    private volatile boolean inPlace;

    /** A class to take to a new version. */
    public record Structural(Class<?> type, byte[] runningBytes, ClassModel running, byte[] nextBytes, ClassModel next) {
    }

    /** A class the engine defines itself (it has no class file under its name), beside a class of its package. */
    public record NewClass(Class<?> neighbor, String name, byte[] bytes) {
    }

    /** What became of a batch. */
    public sealed interface Result {
        /** Nothing was applied; the engine is as it was. */
        record Refused(List<Problem> problems) implements Result {
            public Refused {
                problems = List.copyOf(problems);
            }
        }

        /**
         * The batch went in; {@code warnings} name what did not follow, {@code reinitialized} the
         * statics given new values by their changed initializers ({@code app.Rules.P}).
         */
        record Applied(List<Problem> warnings, List<String> reinitialized) implements Result {
            public Applied {
                warnings = List.copyOf(warnings);
                reinitialized = List.copyOf(reinitialized);
            }

            public Applied(List<Problem> warnings) {
                this(warnings, List.of());
            }
        }
    }

    /** The JVM refused the batch's one {@code redefineClasses} call: nothing was applied. */
    public static final class CommitFailed extends Exception {
        private static final long serialVersionUID = 1L;

        /** The refused call redefined versions in place: the batch may go in with new versions instead. */
        final boolean inPlace;

        public CommitFailed(Throwable cause) {
            this(cause, false);
        }

        CommitFailed(Throwable cause, boolean inPlace) {
            super(cause.toString(), cause);
            this.inPlace = inPlace;
        }
    }

    private Engine(Instrumentation instrumentation, MethodHandles.Lookup trusted) {
        this.instrumentation = instrumentation;
        this.trusted = trusted;
        this.sites = new CallSites(registry, trusted);
        this.fields = new AddedFields(registry, trusted);
        this.policy = new Policy(this, registry);
        this.redefinitions = new OwnRedefinitions(instrumentation);
        this.transaction = new Transaction(this, registry, sites, policy, instrumentation, trusted);
        this.shapes = new EngineShapes(this, registry, sites, fields, trusted);
        this.npes = new NpeMessages(registry, trusted);
        this.bootstraps = new Bootstraps(this, registry, sites, fields);
    }

    /**
     * The engine, if this JVM lets the agent open {@code java.lang.invoke} to hotswap's core module
     * ({@link dev.hotswap.reflect.Trusted}: the one lookup that may define a nestmate of any class,
     * loaded before the agent or not). One per
     * JVM: the classes it took over keep their entries, linked to its call sites, across sessions
     * ({@code Hotswap.close()} then {@code start()} again); it is handed only to a caller with an
     * instrumentation the JVM made (a class of {@code java.instrument}). When there is none,
     * {@code problems} hears why.
     */
    public static Optional<Engine> create(Instrumentation instrumentation, Predicate<Class<?>> reloadable,
                                          Function<Class<?>, Optional<byte[]>> runningBytes,
                                          BiFunction<ClassLoader, String, Optional<byte[]>> seenBytes,
                                          Consumer<String> problems) {
        synchronized (Linker.class) {
            Engine engine = Linker.engine;
            // The JVM's own instrumentation only (any agent's: each load of an agent gets one), never a
            // look-alike that code could make by implementing the interface.
            if (instrumentation == null || instrumentation.getClass().getModule() != Instrumentation.class.getModule()) {
                problems.accept("hotswap: the structural engine is handed only to the JVM's own instrumentation;"
                        + " structural changes are refused");
                return Optional.empty();
            }
            if (engine == null) {
                try {
                    engine = new Engine(instrumentation, dev.hotswap.reflect.Trusted.lookup(instrumentation));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    problems.accept("hotswap: the structural engine is not available in this JVM (" + rootCause(e)
                            + "); method bodies still swap, structural changes are refused");
                    return Optional.empty();
                }
                Linker.engine = engine;
            }
            engine.reloadable = reloadable;
            engine.runningBytes = runningBytes;
            engine.seenBytes = seenBytes;
            engine.problems = problems;
            return Optional.of(engine);
        }
    }


    // ---- for the engine's parts ----

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

    Optional<byte[]> seenBytes(ClassLoader loader, String internalName) {
        return seenBytes.apply(loader, internalName);
    }

    /** Code written for a class of {@code loader}, pointed at its bridge when it cannot see hotswap ({@link Bridges}). */
    byte[] bridged(ClassLoader loader, byte[] bytes) {
        return bridges.bridged(loader, bytes);
    }

    void prepareBridge(Class<?> type) throws IllegalStateException {
        try {
            bridges.prepare(type, trusted);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define hotswap's bridge beside " + type.getName(), e);
        }
    }

    void definedHidden(Class<?> hidden, Class<?> host) {
        registry.definedHidden(hidden, host, null);
    }

    /** Defines a class whose bytes the engine already renamed (an anonymous class renumbered by javac). */
    void defineRenamed(NewClass c) throws IllegalAccessException {
        definingRenamed.set(Boolean.TRUE);
        try {
            trusted.in(c.neighbor()).defineClass(c.bytes());
        } finally {
            definingRenamed.remove();
        }
    }

    /**
     * Whether a changed static initializer runs again for the statics whose initializing code
     * changed ({@link StaticSlices}); on unless the session says {@code statics=keep}.
     */
    public void rerunsInitializers(boolean rerun) {
        this.rerunsInitializers = rerun;
    }

    boolean rerunsInitializers() {
        return rerunsInitializers;
    }

    private volatile boolean rerunsInitializers = true;

    /**
     * The statics of {@code next} ({@code name:descriptor}) whose initializing code differs from
     * {@code previous}'s, both class files as compiled: a class whose bodies alone changed but
     * has such statics goes through the engine, which runs that code again.
     */
    public static Set<String> changedStatics(byte[] previous, byte[] next) {
        return StaticSlices.changed(previous, next);
    }

    /**
     * Whether new versions are ordinary classes of their host's name, each in a loader of its own
     * ({@link Relocator}), which debuggers, JFR and stack walkers see; else hidden nestmates.
     *
     * @param sayFallbacks whether a version that has to be hidden after all is said in a line
     */
    public void namedVersions(boolean named, boolean sayFallbacks) {
        this.named = named;
        this.sayFallbacks = sayFallbacks;
    }

    /**
     * Whether a body swap of a class the engine holds may redefine its current (named) version in
     * place instead of making a new one. Not under a debugger: a redefinition clears the breakpoints
     * set in the version, which a debugger sets again only in a class it sees prepared.
     */
    public void redefinesInPlace(boolean inPlace) {
        this.inPlace = inPlace;
    }

    boolean redefinesInPlace() {
        return inPlace && named;
    }

    boolean saysFallbacks() {
        return sayFallbacks;
    }

    boolean namedVersions() {
        return named;
    }

    void note(String line) {
        problems.accept(line);
    }

    /** True when {@code loader} is one the engine made to hold one version's class. */
    public static boolean isVersionLoader(ClassLoader loader) {
        return loader instanceof VersionLoader;
    }

    /** True when {@code type} is a class the engine defined to hold a version's code, not one of the program. */
    public static boolean isVersion(Class<?> type) {
        return VersionLoader.isVersion(type);
    }

    // ---- what the JVM runs, for redefinitions another agent asks for (a debugger's HotSwap) ----

    /** The one {@code redefineClasses} call of a batch, marked as the engine's, its bytes kept once it went in. */
    void redefine(List<ClassDefinition> definitions) throws ClassNotFoundException, UnmodifiableClassException {
        redefinitions.redefine(definitions);
    }

    /** True while this thread runs the engine's own {@code redefineClasses} call. */
    public boolean redefiningHere() {
        return redefinitions.here();
    }

    /** The bytes the JVM runs for a class the engine redefined, or for one of its named versions; never locks. */
    public Optional<byte[]> definedBytes(Class<?> type) {
        return redefinitions.definedBytes(type);
    }

    // ---- what reloading asks ----

    public boolean manages(Class<?> type) {
        return registry.manages(type);
    }

    /**
     * What keeps the engine from taking {@code next} for {@code type}, one phrase each; empty
     * when it can. Measured against the class as loaded, whose schema never changes.
     */
    public List<Problem> unsupported(Class<?> type, ClassModel running, ClassModel next) {
        return policy.unsupported(type, running, next);
    }

    /**
     * Applies a batch: plain redefinitions and structural versions together, in one
     * {@code redefineClasses} call, defining {@code added} once it went in, and recording
     * {@code names} (every class that runs under another name than compiled: compiled name to
     * running name) for the loader of the batch. Refused or failed, the engine is exactly as it
     * was; applied, what did not follow is in the warnings.
     *
     * @throws CommitFailed when the JVM refused the redefinition (nothing changed)
     */
    public Result apply(List<ClassDefinition> plain, List<Structural> requested, List<NewClass> added,
                        Optional<Map<String, String>> names) throws CommitFailed {
        return transaction.apply(plain, requested, added, names);
    }

    /** Test hook: failures at the transaction's stages. */
    void faults(Transaction.Faults faults) {
        transaction.faults = faults;
    }

    /** The newest version of a static method of a class (for {@code @OnReload} hooks that may be new). */
    public synchronized Optional<MethodHandle> newestStatic(Class<?> owner, String name, String descriptor) {
        return sites.newest(owner, name, descriptor, true);
    }

    // ---- what reflection asks ({@link EngineShapes}) and NPE messages ({@link NpeMessages}) ----

    /** What reflection asks of this engine. */
    public dev.hotswap.reflect.Shapes shapes() {
        return shapes;
    }

    NpeMessages npes() {
        return npes;
    }

    /** Who routes added methods to receivers the engine does not manage ({@link Receivers}). */
    public void receivers(Receivers receivers) {
        sites.receivers(receivers);
    }

    /** Tells {@code listener} of the classes whose shape a batch changed, as it publishes them (under the engine's lock). */
    public void onReshape(Consumer<java.util.Collection<Class<?>>> listener) {
        this.reshaped = listener;
    }

    void reshaped(java.util.Collection<Class<?>> types) {
        try {
            reshaped.accept(types);
        } catch (RuntimeException e) {
            problems.accept("hotswap: reflection may answer as before the swap (" + rootCause(e) + ")");
        }
    }

    // ---- classes as they load ----

    /**
     * The bytes a class of a watched folder is to be defined with, now that the engine runs
     * classes of its loader ({@link LoadRewriter}); null when they stay as they are. Called by a
     * transformer: takes no lock and loads no class. A class whose own bytes name the engine's
     * bootstrap class is left as it is, and its code is never served.
     */
    public byte[] atLoad(ClassLoader loader, String internalName, byte[] bytes) {
        if (!registry.hasClassesOf(loader)) {
            return null;
        }
        byte[] result = rewrite(loader, internalName, bytes);
        if (result != null) {
            // Written by the engine from bytes that name none of its classes (see rewrite).
            registry.wrote(loader, internalName);
        }
        return result;
    }

    /** The bytes rewritten for the engine, or null when they stay as they are (or name the engine themselves). */
    private byte[] rewrite(ClassLoader loader, String internalName, byte[] bytes) {
        if (!registry.hasClassesOf(loader)) {
            return null;
        }
        try {
            ConstantPool pool = ConstantPool.of(bytes);
            if (Bridges.namesEngine(pool)) {
                problems.accept("hotswap: " + internalName.replace('/', '.') + " names " + dev.hotswap.boot.Link.class.getName()
                        + ", hotswap's internal class; it loads as compiled, and its calls to it are refused");
                return null;
            }
            Map<String, String> names = registry.renamed(loader);
            if (names.containsKey(internalName)) {
                // A class loading under its compiled name keeps it (what refers to it runs elsewhere).
                names = new HashMap<>(names);
                names.remove(internalName);
            }
            byte[] renamedBytes = names.isEmpty() || definingRenamed.get() != null ? null : rename(bytes, names);
            byte[] rewritten = renamedBytes != null ? LoadRewriter.rewrite(renamedBytes, schemas(loader))
                    : LoadRewriter.rewrite(bytes, pool, schemas(loader));
            return bridges.bridged(loader, rewritten != null ? rewritten : renamedBytes);
        } catch (RuntimeException | LinkageError e) {
            // Reported, not thrown: a transformer's exception is swallowed by the JVM.
            problems.accept("hotswap: " + internalName.replace('/', '.') + " loads as compiled: the structural engine"
                    + " cannot rewrite it (" + rootCause(e) + "); its calls to members a swap added or removed fail"
                    + " with NoSuchMethodError or NoSuchFieldError");
            return null;
        }
    }

    /**
     * The bytes to give {@code redefineClasses} for a class: as they would be rewritten at load.
     * Renamed classes are renamed in them already. Changes nothing.
     */
    public byte[] asRedefined(Class<?> type, byte[] bytes) {
        definingRenamed.set(Boolean.TRUE);
        try {
            byte[] rewritten = rewrite(type.getClassLoader(), type.getName().replace('.', '/'), bytes);
            return rewritten == null ? bytes : rewritten;
        } finally {
            definingRenamed.remove();
        }
    }

    /** What runs under another name than compiled in this loader (compiled name to running name, internal names). */
    public Map<String, String> renamed(ClassLoader loader) {
        return Map.copyOf(registry.renamed(loader));
    }

    /** What runs under another name than compiled, when only one class loader has such classes (the usual case). */
    public Map<String, String> renamedInOnlyLoader() {
        List<Map<String, String>> maps = new ArrayList<>();
        registry.allRenamed().forEach(m -> {
            if (!m.isEmpty()) {
                maps.add(m);
            }
        });
        return maps.size() == 1 ? maps.get(0) : Map.of();
    }

    /** A class's bytes with classes renamed ({@code names}: internal names), or null when it names none of them. */
    public static byte[] rename(byte[] bytes, Map<String, String> names) {
        org.objectweb.asm.ClassReader reader = new org.objectweb.asm.ClassReader(bytes);
        if (!ConstantPool.of(bytes).namesAny(names.keySet())) {
            return null;
        }
        org.objectweb.asm.ClassWriter writer = new org.objectweb.asm.ClassWriter(0);
        reader.accept(new org.objectweb.asm.commons.ClassRemapper(writer,
                new org.objectweb.asm.commons.SimpleRemapper(org.objectweb.asm.Opcodes.ASM9, names)), 0);
        return writer.toByteArray();
    }

    /** What the engine knows of the classes of {@code loader}, for the load-time rewriter; reads without a lock. */
    LoadRewriter.Schemas schemas(ClassLoader loader) {
        return new LoaderSchemas(registry, loader, seenBytes);
    }

    // ---- the bootstrap methods' side ({@link Linker}) ----

    /** What the bootstrap methods of the code the engine writes are served by. */
    Bootstraps bootstraps() {
        return bootstraps;
    }

    /** The exception that started it, for a one-line report (a bootstrap method error says nothing itself). */
    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }
}

package dev.hotswap.reload;

import dev.hotswap.classfile.Change;
import dev.hotswap.classfile.Classifier;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.InvalidClassFileException;
import dev.hotswap.structural.Catchers;
import dev.hotswap.structural.Engine;
import dev.hotswap.structural.OwnRedefinitions;
import dev.hotswap.watch.Debug;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Redefinitions another agent asks for: a debugger's HotSwap (JDWP {@code RedefineClasses}, JDI's
 * {@code redefineClasses}, as IntelliJ IDEA, Eclipse and VS Code do after a build), or any
 * {@code redefineClasses} not made by hotswap. The requested bytes cannot go into the JVM as they
 * are: the class runs with members hotswap planted at load and, under the engine, with entries to
 * its newest version, so the JVM would refuse them (a method deleted) or, where nothing was
 * planted, replace the entries and leave hotswap's later swaps running nowhere. The JVM is handed
 * the bytes it runs already, so the call succeeds and changes nothing; the requested bytes go
 * through hotswap as a batch of their own on the reload thread, moments later, body or
 * structural, and are reported as any batch. A change no running JVM can take (superclass or
 * interfaces) is left to the JVM, which refuses the whole call as it would without hotswap, and
 * hotswap's line says why.
 */
final class Redefinitions {
    /** Requests closer than this belong to one batch (IDEA sends one call per class, back to back). */
    static final Duration QUIET = Duration.ofMillis(40);

    private final RunningBytes running;
    private final EngineSlot engine;
    private final BiConsumer<Runnable, Duration> later;
    private Consumer<Map<Class<?>, byte[]>> apply = requested -> { };
    /** What the JVM was given at load where the engine rewrote the class file: by loader, by internal name. */
    private final Map<ClassLoader, Map<String, byte[]>> atLoad = Collections.synchronizedMap(new WeakHashMap<>());
    /** hotswap's own redefinitions without the engine, and what they gave the JVM. */
    private final OwnRedefinitions plain;
    private final Map<Class<?>, byte[]> pending = new LinkedHashMap<>(); // guarded by this
    private long lastRequest; // guarded by this
    private boolean scheduled; // guarded by this

    Redefinitions(Instrumentation instrumentation, RunningBytes running, EngineSlot engine,
                  BiConsumer<Runnable, Duration> later) {
        this.plain = new OwnRedefinitions(instrumentation);
        this.running = running;
        this.engine = engine;
        this.later = later;
    }

    /** Where requested changes go, on the reload thread: the reloader. */
    void applyWith(Consumer<Map<Class<?>, byte[]>> apply) {
        this.apply = apply;
    }

    /** A class loads with {@code given}, the engine's rewrite of its class file. */
    void loaded(ClassLoader loader, String internalName, byte[] given) {
        atLoad.computeIfAbsent(loader, l -> new ConcurrentHashMap<>()).put(internalName, given);
    }

    /** hotswap's own redefinition without the engine: marked as ours, its bytes kept once it went in. */
    void redefine(ClassDefinition[] definitions) throws ClassNotFoundException, UnmodifiableClassException {
        plain.redefine(List.of(definitions));
    }

    /**
     * The transformer's answer for a class being redefined: null to let the requested bytes
     * through (hotswap's own call, a class hotswap never touched, a change the JVM must refuse),
     * else the bytes the class runs now; the requested change is then queued.
     */
    byte[] redefining(Class<?> type, byte[] requested) {
        Engine structural = engine.orNull();
        if (plain.here() || (structural != null && structural.redefiningHere())) {
            return null;
        }
        Optional<byte[]> defined = structural == null ? Optional.empty() : structural.definedBytes(type);
        if (Engine.isVersion(type)) {
            // A debugger redefines every class of the name: a version follows its class's own batch, never these bytes.
            return defined.orElse(null);
        }
        ClassLoader loader = type.getClassLoader();
        String name = type.getName().replace('.', '/');
        Optional<byte[]> compiled = running.seen(loader, name);
        if (compiled.isEmpty()) {
            return null; // not a class of the watched folders: as without hotswap
        }
        // Else it runs as loaded: its class file with the catchers planted at load, without a sealed class's list.
        byte[] runs = defined.or(() -> plain.definedBytes(type))
                .or(() -> Optional.ofNullable(atLoad.get(loader)).map(m -> m.get(name)))
                .orElseGet(() -> Catchers.replant(type, compiled.get()));
        if (Arrays.equals(requested, compiled.get())) {
            return runs; // what runs already (the build's class file went in first): nothing to do
        }
        synchronized (this) {
            pending.put(type, requested.clone());
            lastRequest = System.nanoTime();
            if (!scheduled) {
                scheduled = true;
                later.accept(this::drain, QUIET);
            }
        }
        // Queued all the same: hotswap's line names what the JVM refused, and the batch goes in whole or not at all.
        return jvmRefuses(compiled.get(), requested) ? null : runs;
    }

    /** On the reload thread: once no request came for {@link #QUIET}, the requests go in as one batch. */
    private void drain() {
        Map<Class<?>, byte[]> batch;
        synchronized (this) {
            long quietFor = System.nanoTime() - lastRequest;
            if (quietFor < QUIET.toNanos()) {
                later.accept(this::drain, Duration.ofNanos(QUIET.toNanos() - quietFor));
                return;
            }
            batch = new LinkedHashMap<>(pending);
            pending.clear();
            scheduled = false;
        }
        apply.accept(batch);
    }

    /** A superclass or interfaces changed: no running JVM takes it, and the debugger should hear so from the JVM. */
    private static boolean jvmRefuses(byte[] compiled, byte[] requested) {
        try {
            Set<Change.Kind> never = Set.of(Change.Kind.SUPERCLASS_CHANGED, Change.Kind.INTERFACES_CHANGED);
            return Classifier.diff(ClassModel.parse(compiled), ClassModel.parse(requested)).stream()
                    .anyMatch(c -> never.contains(c.kind()));
        } catch (InvalidClassFileException | RuntimeException e) {
            Debug.log("a redefinition asked for bytes hotswap cannot read", e);
            return true; // the JVM says what is wrong with them
        }
    }
}

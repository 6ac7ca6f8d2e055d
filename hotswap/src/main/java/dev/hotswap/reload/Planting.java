package dev.hotswap.reload;

import dev.hotswap.integration.Frameworks;
import dev.hotswap.watch.Debug;
import dev.hotswap.structural.Catchers;
import dev.hotswap.structural.Engine;
import dev.hotswap.structural.Unsealed;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * The one transformer every class load passes through: for a class from a watched folder it
 * hands the class file as compiled to {@link RunningBytes} (the next compile is compared with
 * it), plants {@link Catchers} (so that a {@code toString()}, {@code hashCode()} or
 * {@code equals(Object)} added by a later swap is reached), and, once the structural engine
 * runs, lets it rewrite the class ({@link Engine#atLoad}). Of the other classes, only a
 * framework's marker changes ({@link Frameworks#transform}). Registered as unable to retransform:
 * the JVM then keeps no second copy of the class files it changes.
 */
final class Planting implements ClassFileTransformer {
    private final RunningBytes running;
    private final Catchers catchers = new Catchers();
    private final EngineSlot engine;
    private final Frameworks frameworks;
    private final LoadedIndex loaded;
    private final Redefinitions redefinitions;
    /** When the JVM last loaded a class (System.nanoTime()): the program's start-up is over once this stays old. */
    private volatile long lastLoad = System.nanoTime();

    Planting(RunningBytes running, EngineSlot engine, Frameworks frameworks, LoadedIndex loaded, Redefinitions redefinitions) {
        this.loaded = loaded;
        this.redefinitions = redefinitions;
        this.running = running;
        this.engine = engine;
        this.frameworks = frameworks;
    }

    /** Nanoseconds since the JVM last loaded a class of a class loader other than the boot one. */
    long sinceLastLoad() {
        return System.nanoTime() - lastLoad;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined, ProtectionDomain domain,
                            byte[] classfileBuffer) {
        if (loader == null || className == null) {
            return null;
        }
        if (classBeingRedefined == null) {
            lastLoad = System.nanoTime();
        }
        if (classBeingRedefined != null) {
            try {
                return redefinitions.redefining(classBeingRedefined, classfileBuffer);
            } catch (RuntimeException | LinkageError e) {
                Debug.log("a redefinition of " + className + " passes as asked", e);
                return null;
            }
        }
        loaded.defining(loader, className);
        if (!running.isWatched(domain)) {
            // A framework's class: only the few that tell hotswap of the framework's objects change.
            return frameworks.transform(loader, className, classfileBuffer);
        }
        // The JVM hands each transformer its own copy; keeping it is safe.
        running.seen(loader, className, classfileBuffer);
        byte[] bytes = classfileBuffer;
        try {
            Catchers.ClassFiles fromDisk = Catchers.ClassFiles.of(loader);
            // An ancestor from a watched folder loaded first: its class file is at hand.
            byte[] planted = catchers.plant(classfileBuffer, name -> running.seen(loader, name).or(() -> fromDisk.apply(name)),
                    members -> engine.mirror().ifPresent(m -> m.planted(loader, className, members)));
            bytes = planted != null ? planted : classfileBuffer;
        } catch (RuntimeException | LinkageError e) {
            Debug.log("no catchers planted in " + className, e);
            // the class loads without them; only a toString() & co. added later would then be refused
        }
        Engine structural = engine.orNull(); // never made here: that would load the engine's classes at start-up
        byte[] rewritten = structural == null ? null : structural.atLoad(loader, className, bytes);
        byte[] result = rewritten != null ? rewritten : bytes;
        Unsealed.Stripped unsealed = Unsealed.strip(result);
        if (unsealed != null) {
            result = unsealed.bytes();
            engine.mirror().ifPresent(m -> m.unsealed(loader, className, unsealed.permitted()));
        }
        if (rewritten != null) {
            // Catchers and the stripped list are planted again from the class file as compiled; the engine's rewrite is kept.
            redefinitions.loaded(loader, className, result);
        }
        return result == classfileBuffer ? null : result;
    }
}

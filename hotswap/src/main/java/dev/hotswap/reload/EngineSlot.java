package dev.hotswap.reload;

import dev.hotswap.reflect.Mirror;
import dev.hotswap.structural.Engine;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The session's structural engine, made after the first swap went in (not at start-up), or at
 * once when an earlier session of this JVM made one; read by the transformer on any thread.
 * Holds no engine of its own making: {@link Engine#create} gives the one of this JVM.
 */
final class EngineSlot {
    private final Supplier<Optional<Engine>> factory;
    private final Optional<Mirror> mirror;
    private volatile Optional<Engine> engine;
    private final Supplier<VersionShape.Choice> shape;

    /** @param shape the versions' shape ({@link VersionShape}): under a debugger, the engine takes body changes too */
    EngineSlot(Supplier<Optional<Engine>> factory, Optional<Mirror> mirror, Supplier<VersionShape.Choice> shape) {
        this.factory = factory;
        this.mirror = mirror;
        this.shape = shape;
    }

    /**
     * True when method bodies go through the engine as well: a debugger's breakpoints follow a
     * swap only if the class is never redefined after it set them (the JVM clears them silently),
     * and a redefinition keeps its old constant pool for good.
     */
    boolean takesBodies(Class<?> type) {
        return redefinitions.get(type).get() >= PLAIN_REDEFINITIONS || shape.get().enginesBodies();
    }

    /**
     * Body-only swaps of one class the JVM's own redefinition takes before the engine takes the
     * class over: each redefinition keeps the old version's constants for good (a day of editing
     * one class would fill Metaspace), while the engine's versions are unloaded once superseded.
     */
    static final int PLAIN_REDEFINITIONS = 2;

    private final ClassValue<java.util.concurrent.atomic.AtomicInteger> redefinitions = new ClassValue<>() {
        @Override
        protected java.util.concurrent.atomic.AtomicInteger computeValue(Class<?> type) {
            return new java.util.concurrent.atomic.AtomicInteger();
        }
    };

    /** Counts a plain redefinition of {@code type} that went in. */
    void redefined(Class<?> type) {
        redefinitions.get(type).incrementAndGet();
    }

    /** Whether changed static initializers run again ({@code statics=rerun}, the default) or not ({@code statics=keep}). */
    private volatile boolean rerunsInitializers = true;

    void rerunsInitializers(boolean rerun) {
        rerunsInitializers = rerun;
    }

    boolean rerunsInitializers() {
        return rerunsInitializers;
    }

    /** Reflection's mirror of this JVM, when the JDK took its hooks. */
    Optional<Mirror> mirror() {
        return mirror;
    }

    /** The engine, made now if need be; empty when this JVM cannot have one. */
    synchronized Optional<Engine> get() {
        if (engine == null) {
            engine = factory.get();
            engine.ifPresent(e -> mirror.ifPresent(m -> {
                m.follow(e.shapes());
                e.onReshape(m::changed);
            }));
        }
        return engine;
    }

    /** The engine if it exists already (made by this session or an earlier one), without making one. */
    Optional<Engine> existing() {
        Optional<Engine> made = engine;
        return made != null ? made : dev.hotswap.structural.Linker.engineRunning() ? get() : Optional.empty();
    }

    /** The engine if this session has it at hand: for the transformer, which must not make one. */
    Engine orNull() {
        Optional<Engine> made = engine;
        return made == null ? null : made.orElse(null);
    }
}

package dev.hotswap;

import dev.hotswap.agent.Attacher;
import dev.hotswap.boot.Boot;
import dev.hotswap.boot.Core;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Swaps recompiled classes into this running JVM. Call {@link #start()} as the first line of
 * {@code main}; then edit, recompile ({@code mvn compile}, {@code javac}, an IDE build), and the
 * running program picks up the new code with its state intact.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Hotswap.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Without {@code -javaagent:hotswap.jar}, {@code start()} loads the agent into this JVM through
 * the JVM's attach mechanism, spoken to itself on Linux (about 0.1 s) or from a short-lived helper
 * JVM elsewhere (a few hundred milliseconds); JDK 21+ prints a warning, and hotswap says once how
 * to avoid both. If the JVM forbids it, {@code start()} says why and the program runs on
 * without swapping; it never throws.
 *
 * <p>Thread-safe. Listeners are called on hotswap's reload thread.
 */
public final class Hotswap implements AutoCloseable {
    private static boolean hintGiven;

    private final Optional<Core.Running> session;

    private Hotswap(Optional<Core.Running> session) {
        this.session = session;
    }

    /** Starts swapping with options from {@code hotswap.*} system properties; idempotent. */
    public static Hotswap start() {
        return start("");
    }

    /**
     * Starts swapping with typed settings; idempotent, as {@link #start(String)}.
     *
     * @param options e.g. {@code HotswapOptions.defaults().withWatch(Path.of("out/classes"))}
     */
    public static Hotswap start(HotswapOptions options) {
        return start(java.util.Objects.requireNonNull(options, "options").toString());
    }

    /**
     * Starts swapping; idempotent: when hotswap already runs (an earlier call, or the agent) this
     * returns a handle to it and {@code options} are not applied.
     *
     * @param options the agent's option syntax, e.g. {@code "watch=out/classes,quiet=50ms"};
     *                {@code hotswap.*} system properties are read too
     */
    public static synchronized Hotswap start(String options) {
        try {
            Optional<Core.Running> running = Boot.core().current();
            if (running.isPresent()) {
                return new Hotswap(running);
            }
            Attacher.Started started = Attacher.start(options);
            if (started instanceof Attacher.NotStarted unavailable) {
                System.err.println("hotswap: cannot swap code in this JVM: " + String.join("; ", unavailable.why())
                        + ". The program runs on without swapping.");
                return new Hotswap(Optional.empty());
            }
            Attacher.Running attached = (Attacher.Running) started;
            Core.Running session = attached.session();
            if (attached.dynamic() && !hintGiven) {
                hintGiven = true;
                session.info("hotswap: attached to this JVM (" + attached.how() + ", " + attached.took().toMillis()
                        + " ms); to start faster"
                        + " (and without the JDK's dynamic-agent warning) add -javaagent:" + Attacher.agentJarHint()
                        + " to the java command");
            }
            return new Hotswap(Optional.of(session));
        } catch (Exception | LinkageError e) {
            System.err.println("hotswap: could not start (" + e + "); the program runs on without swapping");
            return new Hotswap(Optional.empty());
        }
    }

    /** True when this JVM swaps code: an instrumentation was had and the watcher runs. */
    public boolean isActive() {
        return session.isPresent() && session.get().active();
    }

    /** The folders watched for changed class files; empty when inactive. */
    public List<Path> watchedFolders() {
        return session.map(Core.Running::folders).orElse(List.of());
    }

    /**
     * Adds a listener told of every reload, refusal and failure from now on.
     *
     * @throws NullPointerException when {@code listener} is null (at once, not at the next batch)
     */
    public Hotswap addListener(ReloadListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        session.ifPresent(s -> s.addListener(listener));
        return this;
    }

    public Hotswap removeListener(ReloadListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        session.ifPresent(s -> s.removeListener(listener));
        return this;
    }

    /**
     * Swaps back, as one batch, the classes of the last batch that went in, to the bytes they ran
     * before it (its class files are put back in the watched folders too); waits for the outcome.
     * Empty when inactive, or when every class already runs those bytes.
     */
    public Optional<ReloadOutcome> rollback() {
        return session.flatMap(Core.Running::rollback);
    }

    /** Stops watching. Classes already reloaded keep their new code. A later {@link #start()} starts afresh. */
    @Override
    public void close() {
        session.ifPresent(Core.Running::close);
    }
}

package dev.hotswap.boot;

import dev.hotswap.ReloadListener;
import dev.hotswap.ReloadOutcome;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the class path's side of hotswap asks of its core, the named module {@code dev.hotswap.core}
 * that {@link Boot} defines in a layer of its own. Every method is safe in any caller's hands: the
 * core is reached through {@link Boot#core()}, which any code may call, so nothing here hands
 * out power that the caller did not bring (only the JVM's own {@link Instrumentation} is taken).
 */
public interface Core {
    /**
     * The JVM's instrumentation, from {@code premain} or {@code agentmain}: kept inside the core
     * (the first one only) and never handed back; a session is started unless {@code arguments}
     * is {@code dev.hotswap.agent.HotswapAgent.LIBRARY}. Any other object is refused.
     */
    void agent(String arguments, Instrumentation instrumentation);

    /** True when the core holds this JVM's instrumentation. */
    boolean instrumented();

    /** The running session, if any. */
    Optional<Running> current();

    /**
     * The running session, or one started now with these options (the agent's option syntax and
     * {@code hotswap.*} system properties). Needs {@link #instrumented()}.
     */
    Running start(String options) throws IOException;

    /** The bootstrap methods' side, for {@link Link}. */
    Links links();

    /** A running session, as the public API needs it. */
    interface Running {
        List<Path> folders();

        void addListener(ReloadListener listener);

        void removeListener(ReloadListener listener);

        Optional<ReloadOutcome> rollback();

        /** One line on hotswap's output, as its own lines are written. */
        void info(String line);

        /** True while this is the JVM's running session. */
        boolean active();

        /** Stops it (if it is the running one, the JVM has none after). */
        void close();
    }
}

package dev.hotswap.reload;

import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * The session of this JVM, if one runs. There is one {@link Instrumentation} per JVM and
 * {@code Hotswap.start()} must be idempotent, whether the agent or the program started first,
 * so this one piece of state is process-wide; everything else hangs off the session.
 */
public final class Sessions {
    private static Session current;

    private Sessions() {
    }

    /** The running session, or a new one started with these options. */
    public static synchronized Session startOnce(Instrumentation instrumentation, Options options) throws java.io.IOException {
        if (current == null) {
            current = Session.start(instrumentation, options);
        }
        return current;
    }

    public static synchronized Optional<Session> current() {
        return Optional.ofNullable(current);
    }

    /** Closes {@code session} if it is the running one. */
    public static synchronized void close(Session session) {
        if (current == session) {
            current = null;
        }
        session.close();
    }
}

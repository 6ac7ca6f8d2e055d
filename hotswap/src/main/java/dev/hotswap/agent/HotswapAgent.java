package dev.hotswap.agent;

import dev.hotswap.reload.Options;
import dev.hotswap.reload.Sessions;
import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * The agent's entry points. {@code premain} for {@code -javaagent:hotswap.jar[=options]};
 * {@code agentmain} for {@code Launcher-Agent-Class} ({@code java -jar app.jar}), for
 * {@code java -jar hotswap.jar attach <pid>}, and for {@code Hotswap.start()} attaching to its own
 * JVM, which passes {@link #LIBRARY} and starts the session itself.
 */
public final class HotswapAgent {
    /** Agent argument meaning: only hand over the {@link Instrumentation}, start nothing. */
    public static final String LIBRARY = "dev.hotswap.library";

    private static volatile Instrumentation instrumentation;

    private HotswapAgent() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        keep(inst);
        start(arguments, inst);
    }

    public static void agentmain(String arguments, Instrumentation inst) {
        keep(inst);
        if (!LIBRARY.equals(arguments)) {
            start(arguments, inst);
        }
    }

    /** The first instrumentation handed over is this JVM's; a later call (by anyone: these are public) replaces nothing. */
    private static synchronized void keep(Instrumentation inst) {
        if (instrumentation == null) {
            instrumentation = inst;
        }
    }

    private static void start(String arguments, Instrumentation inst) {
        try {
            Sessions.startOnce(inst, Options.parse(arguments, System.getProperties()));
        } catch (Exception | LinkageError e) {
            // Never stop the program from starting because hotswap could not.
            System.err.println("hotswap: could not start (" + e + "); the program runs on without swapping");
        }
    }

    /** The instrumentation this JVM's agent received, if the agent was loaded into this class loader. */
    static Optional<Instrumentation> received() {
        return Optional.ofNullable(instrumentation);
    }

    /**
     * The instrumentation, for hotswap's own {@link Attacher} when hotswap's classes were loaded a
     * second time by another class loader (the agent is always the system class loader's; a
     * Spring Boot executable jar, say): public only for that. Refused to a caller of any other
     * name. The check is by name, since the other copy of hotswap is another class: a program
     * that defines a class of that name in a loader of its own gets it, as it could load an agent
     * into itself through the attach mechanism.
     */
    public static Optional<Instrumentation> instrumentation() {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (caller == null || !caller.getName().equals(Attacher.class.getName()) || caller == Attacher.class) {
            throw new IllegalCallerException("hotswap hands its instrumentation to no other code");
        }
        return received();
    }
}

package dev.hotswap.agent;

import dev.hotswap.boot.Boot;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points. {@code premain} for {@code -javaagent:hotswap.jar[=options]};
 * {@code agentmain} for {@code Launcher-Agent-Class} ({@code java -jar app.jar}), for
 * {@code java -jar hotswap.jar attach <pid>}, and for {@code Hotswap.start()} attaching to its own
 * JVM, which passes {@link #LIBRARY} and starts the session itself. The instrumentation goes
 * straight into hotswap's core (its own module, {@link Boot}) and is kept nowhere here.
 */
public final class HotswapAgent {
    /** Agent argument meaning: only hand over the {@link Instrumentation}, start nothing. */
    public static final String LIBRARY = "dev.hotswap.library";

    private HotswapAgent() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        handOver(arguments, inst);
    }

    public static void agentmain(String arguments, Instrumentation inst) {
        handOver(arguments, inst);
    }

    private static void handOver(String arguments, Instrumentation inst) {
        try {
            Boot.core().agent(arguments, inst);
        } catch (Exception | LinkageError e) {
            // Never stop the program from starting because hotswap could not.
            System.err.println("hotswap: could not start (" + e + "); the program runs on without swapping");
        }
    }
}

package dev.hotswap.bench;

import java.lang.instrument.Instrumentation;

/** The smallest possible agent: hands the {@link Instrumentation} to {@link ProbeMain} for the floor. */
public final class FloorAgent {
    static volatile Instrumentation instrumentation;

    private FloorAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }
}

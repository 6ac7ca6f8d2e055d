package dev.hotswap.base;

/**
 * What no catch of hotswap's keeps: the JVM's own failures (out of memory, stack overflow, an
 * internal error) go on as they would without hotswap. Every catch of {@code Throwable} around
 * hotswap's own work calls {@link #rethrowIfFatal} first. Two kinds keep them: a catch around
 * the program's own code (an {@code @OnReload} hook, a listener, a static initializer run again),
 * which tells all it throws as the program's failure, and one that stands in for the JDK's own (a
 * reflective call's {@code InvocationTargetException}), which wraps them as the JDK does.
 */
public final class Fatal {
    private Fatal() {
    }

    /** Throws {@code t} again when it is a {@link VirtualMachineError}; returns otherwise. */
    public static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }
}

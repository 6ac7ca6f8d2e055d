package dev.hotswap.watch;

/**
 * hotswap's own debugging output: what went wrong where nothing else needs to hear of it, on
 * stderr, only with {@code -Dhotswap.debug=true}. Never through the program's logging (a
 * {@code System.Logger} would reach it, and load {@code java.logging} at start-up).
 */
public final class Debug {
    private static final boolean ON = Boolean.getBoolean("hotswap.debug");

    private Debug() {
    }

    public static void log(String what, Throwable e) {
        if (ON) {
            System.err.println("hotswap debug: " + what + ": " + e);
        }
    }
}

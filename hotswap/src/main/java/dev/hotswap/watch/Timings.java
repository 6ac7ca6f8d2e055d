package dev.hotswap.watch;

import java.util.Locale;

/**
 * Where the time of one batch goes, stage by stage, as one line on stderr after the batch:
 * only with {@code -Dhotswap.timings=true}. A measuring aid for hotswap's own developers (the
 * stage table of BENCHMARKS.md comes from it), not an option: off, every call is a test of a
 * constant the JIT folds away. Every stage runs on the reload thread, so the marks need no
 * lock; the watcher thread only hands over the time a file was seen, through the debouncer.
 */
public final class Timings {
    /** Whether timings are taken; read once. */
    public static final boolean ON = Boolean.getBoolean("hotswap.timings");

    /** The stages of one batch, in order; each is marked when it ends. */
    public enum Stage {
        /** the watcher handed over the batch's last file */
        EVENT("seen"),
        /** the settle time (or quiet period) ran out: the batch was looked at */
        SETTLED("settle"),
        /** the completeness check (reads and parses the pending class files) */
        COMPLETE("complete"),
        /** the batch reader (reads the class files, parses what the check did not) */
        READ("read"),
        /** classify and plan */
        PLAN("plan"),
        /** redefineClasses, or the engine's transaction */
        COMMIT("commit"),
        /** what runs recorded, frameworks told */
        PUBLISH("publish"),
        /** the outcome told (line, events file, listeners) */
        REPORT("report");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    private static final Stage[] STAGES = Stage.values();
    private static final long[] AT = new long[STAGES.length];

    private Timings() {
    }

    /** The stage ends now. */
    public static void mark(Stage stage) {
        if (ON) {
            AT[stage.ordinal()] = System.nanoTime();
        }
    }

    /** The stage ended at {@code nanos} (a file's arrival, seen by the watcher thread). */
    static void mark(Stage stage, long nanos) {
        if (ON) {
            AT[stage.ordinal()] = nanos;
        }
    }

    /** Prints the batch's line and forgets its marks; a stage not reached is left out. */
    public static void batchDone(int classes) {
        if (!ON) {
            return;
        }
        System.err.println(line(AT, classes));
        java.util.Arrays.fill(AT, 0);
    }

    /** {@code hotswap timings (ms), 1 class: settle 3.05, complete 0.41, ...; total 5.80 since seen}. */
    static String line(long[] at, int classes) {
        StringBuilder b = new StringBuilder("hotswap timings (ms), ").append(classes)
                .append(classes == 1 ? " class:" : " classes:");
        long previous = at[0];
        long last = previous;
        for (int i = 1; i < at.length; i++) {
            if (at[i] == 0) {
                continue;
            }
            if (previous != 0) {
                b.append(' ').append(STAGES[i].label).append(' ').append(ms(at[i] - previous)).append(',');
            }
            previous = at[i];
            last = at[i];
        }
        if (b.charAt(b.length() - 1) == ',') {
            b.setLength(b.length() - 1);
        }
        return at[0] == 0 ? b.toString() : b.append("; total ").append(ms(last - at[0])).append(" since seen").toString();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}

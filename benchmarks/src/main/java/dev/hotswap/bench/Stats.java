package dev.hotswap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Percentiles of a sample, in milliseconds. */
record Stats(int n, double p50, double p95, double max) {
    static Stats of(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return new Stats(sorted.size(), percentile(sorted, 50), percentile(sorted, 95), sorted.get(sorted.size() - 1));
    }

    /** Nearest-rank percentile. */
    private static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static String ms(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f×", value);
    }

    /** The checkpoint before {@code checkpoint} in {@code checkpoints}, 0 for the first. */
    static int previous(int[] checkpoints, int checkpoint) {
        int prev = 0;
        for (int c : checkpoints) {
            if (c == checkpoint) {
                return prev;
            }
            prev = c;
        }
        return prev;
    }

    /** Bytes as megabytes, one decimal. */
    static String mb(String bytes) {
        return String.format(Locale.ROOT, "%.1f", Long.parseLong(bytes) / (1024.0 * 1024.0));
    }
}

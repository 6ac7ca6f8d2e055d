package dev.hotswap.reload;

import dev.hotswap.ReloadListener;
import dev.hotswap.ReloadOutcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session's last batches, with the counts of each outcome and, for the last batch that went
 * in, the class files it replaced (absent: a class the batch added): what a rollback puts back.
 * Fed by the reporter (each outcome) and the applier (what a batch replaced, just before its
 * outcome). Thread-safe.
 */
final class History implements ReloadListener {
    static final int KEPT = 50;

    /** One batch told. */
    record Entry(Instant time, String origin, ReloadOutcome outcome) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private Map<Path, Optional<byte[]>> pendingBefore = Map.of();
    private Map<Path, Optional<byte[]>> lastBefore = Map.of();
    private String origin = "build";
    private long reloaded;
    private long refused;
    private long failed;

    /** What the batch about to be told as reloaded replaced: each class file's path and its previous bytes. */
    synchronized void replaced(Map<Path, Optional<byte[]>> before) {
        pendingBefore = Map.copyOf(new LinkedHashMap<>(before));
    }

    /** Where the batches told from now on come from ({@code build}, {@code jmx}, {@code rollback}). */
    synchronized void origin(String origin) {
        this.origin = origin;
    }

    @Override
    public synchronized void onReload(ReloadOutcome outcome) {
        if (outcome instanceof ReloadOutcome.Reloaded) {
            reloaded++;
            if (!pendingBefore.isEmpty()) {
                lastBefore = pendingBefore;
            }
        } else if (outcome instanceof ReloadOutcome.Refused) {
            refused++;
        } else {
            failed++;
        }
        pendingBefore = Map.of();
        entries.addLast(new Entry(Instant.now(), origin, outcome));
        while (entries.size() > KEPT) {
            entries.removeFirst();
        }
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The class files the last batch that went in replaced; empty when none did. */
    synchronized Map<Path, Optional<byte[]>> lastReplaced() {
        return lastBefore;
    }

    synchronized long[] counts() {
        return new long[] {reloaded, refused, failed};
    }
}

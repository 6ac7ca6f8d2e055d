package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session's last batches, with the counts of each outcome and, for the last batch that went
 * in, the class files it replaced (absent: a class the batch added): what a rollback puts back.
 * Fed with each batch as it is told ({@link Reloader#tell}). Thread-safe.
 */
final class History {
    static final int KEPT = 50;

    /** One batch told. */
    record Entry(Instant time, String origin, ReloadOutcome outcome) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private Map<Path, Optional<byte[]>> lastBefore = Map.of();
    private long reloaded;
    private long refused;
    private long failed;

    /** A batch told: where it came from, its outcome, and for one that went in, what it replaced. */
    synchronized void told(BatchResult.Origin origin, ReloadOutcome outcome, Map<Path, Optional<byte[]>> replaced) {
        if (outcome instanceof ReloadOutcome.Reloaded) {
            reloaded++;
            if (!replaced.isEmpty()) {
                lastBefore = Collections.unmodifiableMap(new LinkedHashMap<>(replaced));
            }
        } else if (outcome instanceof ReloadOutcome.Refused) {
            refused++;
        } else {
            failed++;
        }
        entries.addLast(new Entry(Instant.now(), origin.label, outcome));
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

package dev.hotswap.watch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The pure part of debouncing: files pending and the moment they are due. Every new file pushes
 * the moment back by the quiet period, so one compile burst becomes one batch; a retry pushes it
 * to its own delay. Time is passed in (nanoseconds), so this is testable without waiting.
 * Not thread-safe.
 */
final class Batcher {
    private final long quietNanos;
    private final Set<Path> pending = new LinkedHashSet<>();
    private long dueAt;
    private long lastArrival;
    private long arrivals;

    Batcher(Duration quiet) {
        if (quiet.isNegative()) {
            throw new IllegalArgumentException("quiet period (" + quiet + ") must not be negative");
        }
        this.quietNanos = quiet.toNanos();
    }

    void add(Path file, long now) {
        pending.add(file);
        dueAt = now + quietNanos;
        lastArrival = now;
        arrivals++;
    }

    /** Nanoseconds since the last file arrived. */
    long sinceLastArrival(long now) {
        return now - lastArrival;
    }

    /** When the last file arrived (nanoTime). */
    long lastArrival() {
        return lastArrival;
    }

    /** Counts every file offered: equal counts mean nothing arrived in between. */
    long arrivals() {
        return arrivals;
    }

    /** The files pending now, without taking them. */
    Set<Path> peek() {
        return Set.copyOf(pending);
    }

    /** Takes the pending files whatever their due time (a compile found complete). */
    Optional<Set<Path>> takeNow() {
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Set<Path> batch = Set.copyOf(pending);
        pending.clear();
        return Optional.of(batch);
    }

    void addLater(Collection<Path> files, long now, Duration delay) {
        pending.addAll(files);
        dueAt = now + delay.toNanos();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Nanoseconds until the pending files are due; zero or less when they are. */
    long remaining(long now) {
        return dueAt - now;
    }

    /** The pending files if they are due, emptying the batcher. */
    Optional<Set<Path>> takeIfDue(long now) {
        if (pending.isEmpty() || now - dueAt < 0) {
            return Optional.empty();
        }
        Set<Path> batch = Set.copyOf(pending);
        pending.clear();
        return Optional.of(batch);
    }
}

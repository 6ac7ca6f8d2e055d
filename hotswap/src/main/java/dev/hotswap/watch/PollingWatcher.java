package dev.hotswap.watch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Finds changed class files by walking the roots at a fixed interval and comparing size and
 * modification time with the previous walk. Portable, for file systems whose events are slow
 * or missing (macOS's polling {@code WatchService}, network mounts, containers' bind mounts).
 */
public final class PollingWatcher implements Watcher {

    private final List<Path> roots;
    private final Duration interval;
    private final Sink sink;
    private final Problems problems;
    private final Snapshot snapshot = new Snapshot(Selection.CLASSES);
    private final ScheduledExecutorService executor;

    public PollingWatcher(List<Path> roots, Duration interval, Sink sink, Problems problems) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval (" + interval + ") must be positive");
        }
        this.roots = List.copyOf(roots);
        this.interval = interval;
        this.sink = sink;
        this.problems = problems;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hotswap-poller");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public List<Path> roots() {
        return roots;
    }

    @Override
    public void start(Runnable onWatching) {
        long since = System.currentTimeMillis();
        executor.execute(() -> {
            try {
                for (Path file : snapshot.baseline(roots, dir -> { }, since)) {
                    sink.changed(file);
                }
            } catch (RuntimeException e) {
                problems.report("polling error (" + e + "); trying again");
                Debug.log("first walk failed", e);
            }
            onWatching.run();
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            for (Path file : snapshot.rescan(roots, dir -> { })) {
                sink.changed(file);
            }
        } catch (RuntimeException e) {
            // Thread boundary: one failed walk must not cancel the schedule.
            problems.report("polling error (" + e + "); trying again");
            Debug.log("poll failed", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

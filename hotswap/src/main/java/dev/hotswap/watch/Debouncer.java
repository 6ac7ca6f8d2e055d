package dev.hotswap.watch;

import dev.hotswap.base.Fatal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns a stream of changed files into batches: a batch is handed over once no new file has
 * arrived for the quiet period, or, with a {@link Completion}, as soon as no file has arrived for
 * the (much shorter) settle time and the pending files are a complete compile as far as they can
 * tell (the quiet period is then only the fallback). Batches are handed to the handler one at a
 * time on a single named daemon thread, so whatever the handler does is serialised; files that
 * arrive while it works form the next batch. Thread-safe.
 */
public final class Debouncer implements AutoCloseable {

    /** Takes one batch; may ask to see the same files again later (a half-written class file). */
    @FunctionalInterface
    public interface BatchHandler {
        /** @return a delay after which the batch's files are handed over again, or empty when done */
        Optional<Duration> handle(Set<Path> batch);
    }


    /** Whether pending files are one whole compile: each parses, and what their code names is there. */
    @FunctionalInterface
    public interface Completion {
        boolean isComplete(Set<Path> files);

        /**
         * Files just arrived: read and parse them now, while the settle time runs, so that the
         * check at its end finds them done. Nothing is decided here.
         */
        default void prepare(Set<Path> files) {
        }
    }

    private final Batcher batcher;
    private final BatchHandler handler;
    private final ScheduledExecutorService executor;
    private final Completion completion;
    private final long settleNanos;
    private boolean flushScheduled;
    private boolean checkScheduled;
    /** Arrived since the last {@link Completion#prepare}; null while none is scheduled. */
    private Set<Path> unprepared;

    public Debouncer(Duration quiet, BatchHandler handler) {
        this(quiet, Duration.ZERO, null, handler);
    }

    /**
     * @param settle how long no file may arrive before the pending files are looked at
     * @param completion whether they are a complete compile; null: the quiet period alone decides
     */
    public Debouncer(Duration quiet, Duration settle, Completion completion, BatchHandler handler) {
        this.batcher = new Batcher(quiet);
        this.handler = handler;
        this.completion = completion;
        this.settleNanos = settle.toNanos();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hotswap-reload");
            t.setDaemon(true);
            return t;
        });
    }

    /** A file changed: it joins the pending batch, which is now due one quiet period from now. */
    public synchronized void offer(Path file) {
        batcher.add(file, System.nanoTime());
        scheduleFlush();
        if (completion == null) {
            return;
        }
        if (unprepared == null) {
            unprepared = new java.util.LinkedHashSet<>();
            runLater(this::prepare, Duration.ZERO);
        }
        unprepared.add(file);
        if (!checkScheduled) {
            checkScheduled = true; // one look at a time: a burst of 1,000 files is looked at once it pauses
            scheduleCheck(settleNanos);
        }
    }

    /**
     * On the reload thread, as soon as files arrive: the settle time is spent reading and parsing
     * them rather than waiting, and only the check's verdict waits for it to end. Each file is
     * handed over once per arrival, however long the burst.
     */
    private void prepare() {
        Set<Path> files;
        synchronized (this) {
            files = unprepared;
            unprepared = null;
        }
        try {
            completion.prepare(files);
        } catch (RuntimeException | LinkageError e) {
            Debug.log("preparing failed", e); // the check reads them itself
        }
    }

    private void scheduleCheck(long nanos) {
        try {
            executor.schedule(this::checkComplete, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            checkScheduled = false; // closed
        }
    }

    /** On the reload thread: once files stop arriving for the settle time, hands them over if they are complete. */
    private void checkComplete() {
        Set<Path> files;
        long seen;
        synchronized (this) {
            long since = batcher.sinceLastArrival(System.nanoTime());
            if (since < settleNanos) {
                scheduleCheck(settleNanos - since);
                return;
            }
            checkScheduled = false;
            if (batcher.isEmpty()) {
                return;
            }
            files = batcher.peek();
            seen = batcher.arrivals();
            Timings.mark(Timings.Stage.EVENT, batcher.lastArrival());
        }
        Timings.mark(Timings.Stage.SETTLED);
        boolean complete;
        try {
            complete = completion.isComplete(files); // reads class files: not under the lock
        } catch (RuntimeException | LinkageError e) {
            Debug.log("completion check failed", e);
            complete = false; // the quiet period decides
        }
        Timings.mark(Timings.Stage.COMPLETE);
        Optional<Set<Path>> batch = Optional.empty();
        synchronized (this) {
            if (complete && batcher.arrivals() == seen) {
                batch = batcher.takeNow();
            }
        }
        batch.ifPresent(this::hand);
    }

    /**
     * A complete compile, as its build announced it: handed over now (with any file already
     * pending), not after a quiet period.
     */
    public synchronized void offerComplete(Collection<Path> files) {
        batcher.addLater(files, System.nanoTime(), java.time.Duration.ZERO);
        flushScheduled = true; // a flush already scheduled for later finds nothing left, or what came since
        schedule(0);
    }

    private synchronized void retry(Collection<Path> files, Duration delay) {
        batcher.addLater(files, System.nanoTime(), delay);
        scheduleFlush();
    }

    /** Runs {@code task} on the reload thread after {@code delay}, never at the same time as a batch. */
    public void runLater(Runnable task, Duration delay) {
        try {
            executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed: nothing to run
        }
    }

    private void scheduleFlush() {
        if (flushScheduled) {
            return; // the scheduled flush re-arms itself if the deadline moved
        }
        flushScheduled = true;
        schedule(batcher.remaining(System.nanoTime()));
    }

    private void schedule(long nanos) {
        try {
            executor.schedule(this::flush, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            flushScheduled = false; // closed
        }
    }

    private void flush() {
        Optional<Set<Path>> batch;
        synchronized (this) {
            long now = System.nanoTime();
            Timings.mark(Timings.Stage.EVENT, batcher.lastArrival());
            Timings.mark(Timings.Stage.SETTLED, now);
            Timings.mark(Timings.Stage.COMPLETE, now); // the quiet period alone decided: no check
            batch = batcher.takeIfDue(now);
            if (batch.isEmpty() && !batcher.isEmpty()) {
                schedule(batcher.remaining(now));
                return;
            }
            flushScheduled = false;
        }
        batch.ifPresent(this::hand);
    }

    private void hand(Set<Path> files) {
        try {
            handler.handle(files).ifPresent(delay -> retry(files, delay));
        } catch (Throwable e) {
            // Thread boundary: whatever a batch throws (even an Error from the JVM), later
            // batches must still run, and the user must hear of it.
            System.err.println("hotswap: internal error while reloading (" + e + "); later changes will still be applied");
            Debug.log("batch failed", e);
            Fatal.rethrowIfFatal(e); // told first: the executor would keep it to itself
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

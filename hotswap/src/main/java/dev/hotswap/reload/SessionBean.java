package dev.hotswap.reload;

import dev.hotswap.HotswapMXBean;
import dev.hotswap.ReloadOutcome;
import dev.hotswap.classfile.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The session's {@link HotswapMXBean}. Reloads and rollbacks asked for over JMX run on the reload
 * thread, one batch among the build's, and the caller waits for their outcome (boundedly).
 */
final class SessionBean implements HotswapMXBean {
    /** How long a JMX caller waits for its batch: a batch behind a slow one may wait its turn. */
    static final Duration WAIT = Duration.ofMinutes(2);

    private final List<Path> folders;
    private final History history;
    private final RunningBytes running;
    private final Remote remote;
    private final BiConsumer<Runnable, Duration> onReloadThread;
    private final Supplier<String> engine;

    SessionBean(List<Path> folders, History history, RunningBytes running, Remote remote,
                BiConsumer<Runnable, Duration> onReloadThread, Supplier<String> engine) {
        this.folders = List.copyOf(folders);
        this.history = history;
        this.running = running;
        this.remote = remote;
        this.onReloadThread = onReloadThread;
        this.engine = engine;
    }

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public List<String> getWatchedFolders() {
        return folders.stream().map(Path::toString).toList();
    }

    @Override
    public long getReloadedBatches() {
        return history.counts()[0];
    }

    @Override
    public long getRefusedBatches() {
        return history.counts()[1];
    }

    @Override
    public long getFailedBatches() {
        return history.counts()[2];
    }

    @Override
    public String getEngine() {
        return engine.get();
    }

    @Override
    public Map<String, String> classHashes() {
        Map<String, String> hashes = new LinkedHashMap<>();
        running.everyRunning().forEach((name, bytes) -> hashes.put(name, Sha256.of(bytes)));
        return hashes;
    }

    @Override
    public Batch reload(Map<String, byte[]> classes) {
        if (classes == null || classes.isEmpty()) {
            return new Batch(java.time.Instant.now().toString(), "jmx", "nothing", List.of(), List.of(), 0);
        }
        Map<String, byte[]> copy = new LinkedHashMap<>();
        // A key JMX let through as null is refused as an empty name, not a NullPointerException on the reload thread.
        classes.forEach((name, bytes) -> copy.put(name == null ? "" : name, bytes));
        return onReloadThread(() -> remote.reload(copy), "jmx", List.copyOf(copy.keySet()));
    }

    @Override
    public List<Batch> history() {
        List<Batch> batches = new ArrayList<>();
        for (History.Entry e : history.entries()) {
            batches.add(batch(e.time().toString(), e.origin(), e.outcome()));
        }
        return batches;
    }

    @Override
    public Batch rollback() {
        return onReloadThread(remote::rollback, "rollback", List.of());
    }

    /** A rollback for the program's own {@code Hotswap.rollback()}: its outcome, or empty when nothing changed. */
    Optional<ReloadOutcome> rollbackOutcome() throws TimeoutException, ExecutionException, InterruptedException {
        return await(remote::rollback);
    }

    private Optional<ReloadOutcome> await(Supplier<Optional<ReloadOutcome>> work)
            throws TimeoutException, ExecutionException, InterruptedException {
        if (Thread.currentThread().getName().equals("hotswap-reload")) {
            return work.get(); // asked from a listener or an @OnReload method: waiting for our own thread would never end
        }
        CompletableFuture<Optional<ReloadOutcome>> done = new CompletableFuture<>();
        onReloadThread.accept(() -> {
            try {
                done.complete(work.get());
            } catch (RuntimeException | LinkageError e) {
                done.completeExceptionally(e);
            }
        }, Duration.ZERO);
        return done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Batch onReloadThread(Supplier<Optional<ReloadOutcome>> work, String origin, List<String> classes) {
        String now = java.time.Instant.now().toString();
        try {
            Optional<ReloadOutcome> outcome = await(work);
            return outcome.map(o -> batch(now, origin, o)).orElseGet(() -> new Batch(now, origin, "nothing", classes,
                    List.of(), 0));
        } catch (TimeoutException e) {
            return new Batch(now, origin, "failed", classes, List.of(new Reason("INTERNAL_ERROR", "", "",
                    "the batch did not finish within " + WAIT.toMinutes() + " minutes; it may still go in")), 0);
        } catch (ExecutionException | InterruptedException e) {
            return new Batch(now, origin, "failed", classes, List.of(new Reason("INTERNAL_ERROR", "", "",
                    "hotswap failed while swapping the batch (" + (e.getCause() == null ? e : e.getCause()) + ")")), 0);
        }
    }

    static Batch batch(String time, String origin, ReloadOutcome outcome) {
        if (outcome instanceof ReloadOutcome.Reloaded r) {
            return new Batch(time, origin, "reloaded", r.classes(), reasons(r.warnings()), r.took().toMillis());
        }
        if (outcome instanceof ReloadOutcome.Refused r) {
            return new Batch(time, origin, "refused", r.classes(), reasons(r.reasons()), 0);
        }
        ReloadOutcome.Failed f = (ReloadOutcome.Failed) outcome;
        return new Batch(time, origin, "failed", f.classes(), reasons(f.reasons()), 0);
    }

    private static List<Reason> reasons(List<ReloadOutcome.Reason> reasons) {
        return reasons.stream().map(r -> new Reason(r.kind().name(), r.className(), r.member(), r.message())).toList();
    }
}

package dev.hotswap.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The debouncer with real time and its own thread; every wait bounded. */
class DebouncerTest {

    @Test
    void filesOfoneBurstArriveAsOneBatchOnTheReloadThread() throws Exception {
        BlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
        List<String> threads = new ArrayList<>();
        try (Debouncer debouncer = new Debouncer(Duration.ofMillis(100), batch -> {
            threads.add(Thread.currentThread().getName());
            batches.add(batch);
            return Optional.empty();
        })) {
            for (int i = 0; i < 50; i++) {
                debouncer.offer(Path.of(i + ".class"));
            }
            Set<Path> batch = batches.poll(5, TimeUnit.SECONDS);
            assertThat(batch).hasSize(50);
            assertThat(batches.poll(300, TimeUnit.MILLISECONDS)).isNull();
            assertThat(threads).containsExactly("hotswap-reload");
        }
    }

    @Test
    void aCompleteCompileIsHandedOverAtOnceWithWhatWasPending() throws Exception {
        BlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
        try (Debouncer debouncer = new Debouncer(Duration.ofSeconds(30), batch -> {
            batches.add(batch);
            return Optional.empty();
        })) {
            long start = System.nanoTime();
            debouncer.offer(Path.of("Pending.class")); // due only in 30 s
            debouncer.offerComplete(List.of(Path.of("A.class"), Path.of("B.class")));
            Set<Path> batch = batches.poll(5, TimeUnit.SECONDS);
            assertThat(batch).containsExactlyInAnyOrder(Path.of("Pending.class"), Path.of("A.class"), Path.of("B.class"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(batches.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void aCompleteBurstGoesOnceItSettlesAndAnIncompleteOneWaitsForTheRest() throws Exception {
        BlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
        Set<Path> needed = Set.of(Path.of("Caller.class"), Path.of("Callee.class"));
        Debouncer.Completion complete = files -> !files.contains(Path.of("Caller.class")) || files.containsAll(needed);
        try (Debouncer debouncer = new Debouncer(Duration.ofSeconds(30), Duration.ofMillis(5), complete, batch -> {
            batches.add(batch);
            return Optional.empty();
        })) {
            debouncer.offer(Path.of("Body.class"));
            assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactly(Path.of("Body.class"));
            debouncer.offer(Path.of("Caller.class"));
            assertThat(batches.poll(300, TimeUnit.MILLISECONDS)).isNull(); // its callee is not there yet
            debouncer.offer(Path.of("Callee.class"));
            assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(needed);
        }
    }

    @Test
    void aHandlerAskingForARetryGetsTheSameFilesAgain() throws Exception {
        BlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        try (Debouncer debouncer = new Debouncer(Duration.ofMillis(10), batch -> {
            batches.add(batch);
            return calls.incrementAndGet() < 3 ? Optional.of(Duration.ofMillis(20)) : Optional.empty();
        })) {
            debouncer.offer(Path.of("half.class"));
            for (int i = 0; i < 3; i++) {
                assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactly(Path.of("half.class"));
            }
            assertThat(batches.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void aFailingHandlerDoesNotStopLaterBatches() throws Exception {
        BlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
        try (Debouncer debouncer = new Debouncer(Duration.ofMillis(10), batch -> {
            batches.add(batch);
            if (batch.contains(Path.of("bad.class"))) {
                throw new IllegalStateException("a bug in the pipeline");
            }
            return Optional.empty();
        })) {
            debouncer.offer(Path.of("bad.class"));
            assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactly(Path.of("bad.class"));
            debouncer.offer(Path.of("good.class"));
            assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactly(Path.of("good.class"));
        }
    }

    @Test
    void filesArePreparedAsTheyArriveAndTheVerdictStillWaitsForTheSettleTime() throws Exception {
        BlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
        BlockingQueue<Set<Path>> prepared = new LinkedBlockingQueue<>();
        Debouncer.Completion complete = new Debouncer.Completion() {
            @Override
            public boolean isComplete(Set<Path> files) {
                return true;
            }

            @Override
            public void prepare(Set<Path> files) {
                prepared.add(files);
            }
        };
        try (Debouncer debouncer = new Debouncer(Duration.ofSeconds(30), Duration.ofMillis(200), complete, batch -> {
            batches.add(batch);
            return Optional.empty();
        })) {
            long start = System.nanoTime();
            debouncer.offer(Path.of("A.class"));
            assertThat(prepared.poll(5, TimeUnit.SECONDS)).containsExactly(Path.of("A.class"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(150));
            debouncer.offer(Path.of("B.class")); // the same compile, within the settle time: the same batch
            assertThat(prepared.poll(5, TimeUnit.SECONDS)).containsExactly(Path.of("B.class"));
            assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactlyInAnyOrder(Path.of("A.class"), Path.of("B.class"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(batches.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }
}

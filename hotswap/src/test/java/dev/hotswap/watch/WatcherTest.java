package dev.hotswap.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both watchers against a real folder: every wait bounded. */
class WatcherTest {
    @TempDir
    Path root;
    private final BlockingQueue<Path> seen = new LinkedBlockingQueue<>();
    private final Set<String> problems = ConcurrentHashMap.newKeySet();

    private Watcher watcher(boolean polling) throws Exception {
        return polling
                ? new PollingWatcher(List.of(root), Duration.ofMillis(30), seen::add, problems::add)
                : new DirectoryWatcher(List.of(root), seen::add, problems::add);
    }

    /** Waits until {@code file} is reported, ignoring other reports. */
    private void expect(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Path next = seen.poll(100, TimeUnit.MILLISECONDS);
            if (file.equals(next)) {
                return;
            }
        }
        throw new AssertionError(file + " was not reported within 10 s");
    }

    @ParameterizedTest(name = "polling={0}")
    @ValueSource(booleans = {false, true})
    void reportsClassFilesInFoldersCreatedLater(boolean polling) throws Exception {
        try (Watcher w = watcher(polling)) {
            w.start(() -> { });
            Path deep = Files.createDirectories(root.resolve("a/b/c"));
            Path file = Files.write(deep.resolve("X.class"), new byte[] {1});
            expect(file);
            Files.write(root.resolve("notes.txt"), new byte[] {1});
            Path again = Files.write(deep.resolve("X.class"), new byte[] {1, 2});
            expect(again);
            assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNotEqualTo(root.resolve("notes.txt"));
            assertThat(problems).isEmpty();
        }
    }

    @ParameterizedTest(name = "polling={0}")
    @ValueSource(booleans = {false, true})
    void reportsConfigurationFilesWrittenAndClassFilesDeleted(boolean polling) throws Exception {
        Path file = Files.write(Files.createDirectories(root.resolve("p")).resolve("A.class"), new byte[] {1});
        try (Watcher w = watcher(polling)) {
            w.start(() -> { });
            Path properties = Files.writeString(root.resolve("application.properties"), "a=1\n");
            expect(properties);
            Files.delete(file);
            expect(file);
            assertThat(Files.exists(file)).isFalse();
            assertThat(problems).isEmpty();
        }
    }

    @ParameterizedTest(name = "polling={0}")
    @ValueSource(booleans = {false, true})
    void survivesTheRootBeingDeletedAndRecreated(boolean polling) throws Exception {
        Files.createDirectories(root.resolve("p"));
        Files.write(root.resolve("p/A.class"), new byte[] {1});
        try (Watcher w = watcher(polling)) {
            w.start(() -> { });
            Files.delete(root.resolve("p/A.class"));
            Files.delete(root.resolve("p"));
            Files.delete(root);
            Files.createDirectories(root.resolve("p"));
            Path file = Files.write(root.resolve("p/A.class"), new byte[] {2, 3});
            expect(file);
        }
    }

    @ParameterizedTest(name = "polling={0}")
    @ValueSource(booleans = {false, true})
    void reportsEveryFileOfAFloodThatOverflowsTheEventQueue(boolean polling) throws Exception {
        Path dir = Files.createDirectories(root.resolve("many"));
        try (Watcher w = watcher(polling)) {
            w.start(() -> { });
            for (int i = 0; i < 2000; i++) {
                Files.write(dir.resolve("C" + i + ".class"), new byte[] {(byte) i});
            }
            Set<Path> reported = ConcurrentHashMap.newKeySet();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (reported.size() < 2000 && System.nanoTime() < deadline) {
                Path next = seen.poll(100, TimeUnit.MILLISECONDS);
                if (next != null) {
                    reported.add(next);
                }
            }
            assertThat(reported).hasSize(2000);
        }
    }

    @ParameterizedTest(name = "polling={0}")
    @ValueSource(booleans = {false, true})
    void saysWhenItWatches(boolean polling) throws Exception {
        CountDownLatch watching = new CountDownLatch(1);
        try (Watcher w = watcher(polling)) {
            w.start(watching::countDown);
            assertThat(watching.await(10, TimeUnit.SECONDS)).isTrue();
            Path file = Files.write(root.resolve("B.class"), new byte[] {1});
            expect(file);
        }
    }

    /**
     * The first walk runs on the watcher's thread, after start() returned: a class file written
     * in between is reported (by its time stamp), one older than start() is not.
     */
    @org.junit.jupiter.api.Test
    void reportsWhatWasWrittenBetweenStartAndTheFirstWalk() throws Exception {
        Path old = Files.write(Files.createDirectories(root.resolve("p")).resolve("Old.class"), new byte[] {1});
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path fresh = root.resolve("p/Fresh.class");
        CountDownLatch watching = new CountDownLatch(1);
        try (Watcher w = new DirectoryWatcher(List.of(root), seen::add, problems::add, () -> {
            try {
                Files.write(fresh, new byte[] {2});
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            w.start(watching::countDown);
            assertThat(watching.await(10, TimeUnit.SECONDS)).isTrue();
            expect(fresh);
            assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(problems).isEmpty();
        }
    }

    /**
     * The root replaced (deleted and made again, with a subfolder and a class file) while the
     * first walk may be listing it: the file in the new folder is reported. A walk that opened
     * the old folder before registering the new one lost it about one time in six; 50 rounds.
     */
    @org.junit.jupiter.api.Test
    void aRootReplacedDuringTheFirstWalkIsWatchedAsItIsNow() throws Exception {
        for (int round = 0; round < 50; round++) {
            Path base = Files.createDirectories(root.resolve("round" + round));
            Files.createDirectories(base.resolve("p"));
            Files.write(base.resolve("p/A.class"), new byte[] {1});
            BlockingQueue<Path> reported = new LinkedBlockingQueue<>();
            try (Watcher w = new DirectoryWatcher(List.of(base), reported::add, problems::add)) {
                w.start(() -> { });
                Files.delete(base.resolve("p/A.class"));
                Files.delete(base.resolve("p"));
                Files.delete(base);
                Files.createDirectories(base.resolve("p"));
                Path file = Files.write(base.resolve("p/A.class"), new byte[] {2, 3});
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                Path next = null;
                while (!file.equals(next) && System.nanoTime() < deadline) {
                    next = reported.poll(50, TimeUnit.MILLISECONDS);
                }
                assertThat(next).as("round %d", round).isEqualTo(file);
            }
        }
        assertThat(problems).isEmpty();
    }
}

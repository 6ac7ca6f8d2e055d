package dev.hotswap.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
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
            w.start();
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
    void survivesTheRootBeingDeletedAndRecreated(boolean polling) throws Exception {
        Files.createDirectories(root.resolve("p"));
        Files.write(root.resolve("p/A.class"), new byte[] {1});
        try (Watcher w = watcher(polling)) {
            w.start();
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
            w.start();
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
}

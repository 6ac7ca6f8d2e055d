package dev.hotswap.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Announcements in the inbox folder, read on the inbox's own thread; every wait bounded. */
class BatchInboxTest {
    @TempDir
    Path dir;

    private static void announce(Path inbox, String name, List<String> lines) throws Exception {
        Path draft = inbox.resolve(name + ".draft");
        Files.write(draft, lines);
        Files.move(draft, inbox.resolve(name + BatchInbox.SUFFIX), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void eachAnnouncementIsOneBatchInNameOrderAndIsDeletedOnceRead() throws Exception {
        Path inbox = dir.resolve("inbox");
        BlockingQueue<Set<Path>> batches = new LinkedBlockingQueue<>();
        Files.createDirectories(inbox);
        announce(inbox, "00000000", List.of(dir.resolve("Early.class").toString())); // before the inbox watched
        CountDownLatch watching = new CountDownLatch(1);
        try (BatchInbox box = new BatchInbox(inbox, batches::add, problem -> batches.add(Set.of(Path.of("problem: " + problem))))) {
            box.start(watching::countDown);
            assertThat(watching.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactly(dir.resolve("Early.class"));
            announce(inbox, "00000001", List.of(dir.resolve("a/A.class").toString(), "", dir.resolve("B.class") + "  "));
            assertThat(batches.poll(5, TimeUnit.SECONDS)).containsExactlyInAnyOrder(dir.resolve("a/A.class"), dir.resolve("B.class"));
            Files.writeString(inbox.resolve("notes.txt"), "not an announcement");
            assertThat(batches.poll(200, TimeUnit.MILLISECONDS)).isNull();
            try (var left = Files.list(inbox)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
            }
        }
    }
}

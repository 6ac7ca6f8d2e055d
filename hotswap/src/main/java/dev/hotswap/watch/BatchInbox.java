package dev.hotswap.watch;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A folder where a build announces each compile once it is complete: a file {@code NAME.batch}
 * (written elsewhere and moved in, so it is never seen half-written) lists the compile's class
 * and resource files, one absolute path per line, deleted ones included. Each announcement is
 * handed over whole and at once: the build says where its compile ends, so no quiet period is
 * waited out. Announcements are taken in name order and deleted once read.
 */
public final class BatchInbox implements Watcher {
    /** Receives the files of one complete compile; called from the inbox's thread. */
    @FunctionalInterface
    public interface Sink {
        void complete(Set<Path> files);
    }

    static final String SUFFIX = ".batch";
    private final Path folder;
    private final Sink sink;
    private final Problems problems;
    private final WatchService service;
    private volatile Thread thread;

    public BatchInbox(Path folder, Sink sink, Problems problems) throws IOException {
        this.folder = folder.toAbsolutePath().normalize();
        this.sink = sink;
        this.problems = problems;
        Files.createDirectories(this.folder);
        this.service = FileSystems.getDefault().newWatchService();
        this.folder.register(service, ENTRY_CREATE, ENTRY_MODIFY);
    }

    @Override
    public void start(Runnable onWatching) {
        thread = new Thread(() -> run(onWatching), "hotswap-batches");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Runnable onWatching) {
        takeWaiting(); // announced before we watched
        onWatching.run();
        while (true) {
            try {
                WatchKey key = service.take();
                boolean any = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    any |= event.kind() == OVERFLOW
                            || event.context() instanceof Path name && name.toString().endsWith(SUFFIX);
                }
                key.reset();
                if (any) {
                    takeWaiting();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Thread boundary: an inbox bug must not end dev mode's swaps, nor reach the program.
                problems.report("batch inbox error (" + e + "); reading it again");
                Debug.log("batch inbox error", e);
                takeWaiting();
            }
        }
    }

    /** Reads, hands over and deletes every announcement now in the folder, in name order. */
    private void takeWaiting() {
        List<Path> waiting = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            entries.forEach(waiting::add);
        } catch (IOException e) {
            problems.report("cannot read the batch folder " + folder + " (" + e + ")");
            return;
        }
        waiting.sort(null);
        for (Path announcement : waiting) {
            Set<Path> files = new LinkedHashSet<>();
            try {
                for (String line : Files.readAllLines(announcement, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        files.add(Path.of(line.strip()).toAbsolutePath().normalize());
                    }
                }
                Files.deleteIfExists(announcement);
            } catch (NoSuchFileException e) {
                continue; // taken already
            } catch (IOException | InvalidPathException e) {
                problems.report("cannot read the batch " + announcement + " (" + e + "); its files were not swapped");
                continue;
            }
            if (!files.isEmpty()) {
                sink.complete(files);
            }
        }
    }

    @Override
    public List<Path> roots() {
        return List.of(folder);
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            Debug.log("closing batch inbox", e);
        }
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }
}

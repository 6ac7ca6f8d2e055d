package dev.hotswap.watch;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Watches folders through the platform's {@link WatchService} (inotify on Linux), recursively:
 * folders created later are registered as they appear and the class files already in them are
 * reported. A lost-events overflow triggers a rescan against the last snapshot, never a silent
 * miss. A root that does not exist yet, or was deleted ({@code mvn clean}), is looked for again
 * every {@link #MISSING_ROOT_CHECK} until it is back.
 */
public final class DirectoryWatcher implements Watcher {
    static final Duration MISSING_ROOT_CHECK = Duration.ofMillis(100);

    private final List<Path> roots;
    private final Sink sink;
    private final Problems problems;
    private final Selection selection;
    private final Snapshot snapshot;
    // Touched only by the watcher's thread.
    private final Map<WatchKey, Path> directories = new HashMap<>();
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Set<Path> missingRoots = new LinkedHashSet<>();
    private final WatchService service;
    private final Runnable beforeFirstWalk;
    private volatile Thread thread;

    public DirectoryWatcher(List<Path> roots, Sink sink, Problems problems) throws IOException {
        this(roots, Selection.CLASSES, sink, problems, () -> { });
    }

    /** Reporting the files of {@code selection} (class files are the default). */
    public DirectoryWatcher(List<Path> roots, Selection selection, Sink sink, Problems problems) throws IOException {
        this(roots, selection, sink, problems, () -> { });
    }

    /** With {@code beforeFirstWalk} run on the watcher's thread first: tests write files there. */
    DirectoryWatcher(List<Path> roots, Sink sink, Problems problems, Runnable beforeFirstWalk) throws IOException {
        this(roots, Selection.CLASSES, sink, problems, beforeFirstWalk);
    }

    private DirectoryWatcher(List<Path> roots, Selection selection, Sink sink, Problems problems, Runnable beforeFirstWalk)
            throws IOException {
        this.selection = selection;
        this.snapshot = new Snapshot(selection);
        this.roots = List.copyOf(roots);
        this.sink = sink;
        this.problems = problems;
        this.beforeFirstWalk = beforeFirstWalk;
        this.service = FileSystems.getDefault().newWatchService();
    }

    /**
     * True where the JDK's {@code WatchService} only polls (macOS, and some file systems),
     * seconds apart: there our own polling watcher is much faster.
     */
    public static boolean platformEventsAreSlow() {
        try (WatchService probe = FileSystems.getDefault().newWatchService()) {
            return probe.getClass().getName().endsWith("PollingWatchService");
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
    }

    @Override
    public List<Path> roots() {
        return roots;
    }

    @Override
    public void start(Runnable onWatching) {
        long since = System.currentTimeMillis();
        thread = new Thread(() -> run(since, onWatching), "hotswap-watcher");
        thread.setDaemon(true);
        thread.start();
        try {
            Runtime.getRuntime().addShutdownHook(exit);
        } catch (IllegalStateException | SecurityException e) {
            // already exiting, or not allowed: the exit then waits for the JDK's poller, as it would without this
        }
    }

    /**
     * Closes the watch service as the program exits. The JDK's poller thread waits for file events
     * in native code, and the JVM's exit waits up to 300 ms for threads in native code to come out
     * (measured: a program that prints one line took 0.77 s with hotswap, 0.45 s once closed here).
     */
    private final Thread exit = new Thread(this::closeService, "hotswap-exit");

    private void run(long since, Runnable onWatching) {
        try {
            beforeFirstWalk.run();
            for (Path file : snapshot.baseline(roots, this::register, since)) {
                sink.changed(file);
            }
        } catch (ClosedWatchServiceException e) {
            return;
        } catch (RuntimeException e) {
            // Thread boundary: whatever the first walk registered is watched; missing roots are looked for.
            problems.report("file watcher error (" + e + "); watching what could be walked");
            Debug.log("watcher error", e);
        }
        for (Path root : roots) {
            if (!keys.containsKey(root)) {
                missingRoots.add(root); // not there yet, deleted while we walked, or not walked
            }
        }
        onWatching.run();
        while (true) {
            try {
                WatchKey key = missingRoots.isEmpty()
                        ? service.take()
                        : service.poll(MISSING_ROOT_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    handle(key);
                }
                if (!missingRoots.isEmpty()) {
                    lookForMissingRoots();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Thread boundary: a watcher bug must not end watching, nor reach the program.
                problems.report("file watcher error (" + e + "); rescanning");
                Debug.log("watcher error", e);
                rescan();
            }
        }
    }

    private void handle(WatchKey key) {
        Path dir = directories.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW) {
                rescan();
                continue;
            }
            if (dir == null || !(event.context() instanceof Path name)) {
                continue;
            }
            Path child = dir.resolve(name);
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                // Files may land in a new folder before we register it: report what is there.
                for (Path file : snapshotOf(child)) {
                    emit(file);
                }
            } else if (event.kind() == ENTRY_DELETE ? selection.deleted().test(child) : selection.written().test(child)) {
                emit(child); // a deleted class file too: a framework may drop what it made of it
            }
        }
        if (!key.reset()) {
            directories.remove(key);
            if (dir != null) {
                keys.remove(dir, key); // the folder may already be back, under a new key
                if (roots.contains(dir)) {
                    missingRoots.add(dir);
                }
            }
        }
    }

    private List<Path> snapshotOf(Path newDirectory) {
        List<Path> files = new ArrayList<>(FileTree.scan(newDirectory, this::register, selection.written()).keySet());
        files.sort(null);
        return files;
    }

    private void emit(Path file) {
        snapshot.saw(file);
        sink.changed(file);
    }

    private void rescan() {
        for (Path file : snapshot.rescan(roots, this::register)) {
            sink.changed(file);
        }
    }

    private void lookForMissingRoots() {
        List<Path> back = missingRoots.stream().filter(Files::isDirectory).toList();
        if (back.isEmpty()) {
            return;
        }
        back.forEach(missingRoots::remove);
        for (Path root : back) {
            for (Path file : snapshotOf(root)) {
                emit(file);
            }
        }
    }

    private void register(Path dir) {
        // Always asked of the service: a folder deleted and made again under the same name is a new
        // directory whose old key may not be invalidated yet; the same directory gets its own key back.
        try {
            WatchKey key = dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            directories.put(key, dir);
            keys.put(dir, key);
        } catch (IOException | ClosedWatchServiceException e) {
            // Gone again (a build deleting it) or closing: the parent's next event brings it back.
            Debug.log("cannot watch " + dir, e);
        }
    }

    private void closeService() {
        try {
            service.close();
        } catch (IOException e) {
            Debug.log("closing watch service", e);
        }
    }

    @Override
    public void close() {
        closeService();
        try {
            Runtime.getRuntime().removeShutdownHook(exit);
        } catch (IllegalStateException | SecurityException e) {
            // exiting: the hook runs, or ran, and closes nothing more
        }
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }
}

package dev.hotswap.watch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The last known stamp of every class file under a set of roots. Diffing a fresh walk against it
 * finds what changed when events were lost (queue overflow) or are not available (polling).
 * Not thread-safe: owned by one watcher thread.
 */
final class Snapshot {
    private final Map<Path, FileTree.Stamp> known = new HashMap<>();
    private final Selection selection;

    Snapshot(Selection selection) {
        this.selection = selection;
    }

    /** Walks {@code roots}, remembers the result, and returns the files that are new or changed, and those gone that are reported deleted. */
    List<Path> rescan(List<Path> roots, Consumer<Path> onDirectory) {
        Map<Path, FileTree.Stamp> now = new HashMap<>();
        for (Path root : roots) {
            now.putAll(FileTree.scan(root, onDirectory, selection.written()));
        }
        List<Path> changed = new ArrayList<>();
        now.forEach((file, stamp) -> {
            if (!stamp.equals(known.get(file))) {
                changed.add(file);
            }
        });
        known.keySet().stream().filter(file -> !now.containsKey(file) && selection.deleted().test(file)).forEach(changed::add);
        known.clear();
        known.putAll(now);
        changed.sort(null);
        return changed;
    }

    /**
     * The first walk: remembers every file and returns those modified at or after
     * {@code sinceMillis} (wall clock), which a watcher started then may have missed.
     */
    List<Path> baseline(List<Path> roots, Consumer<Path> onDirectory, long sinceMillis) {
        List<Path> all = rescan(roots, onDirectory);
        List<Path> recent = new ArrayList<>();
        for (Path file : all) {
            if (FileTree.modifiedSince(known.get(file), sinceMillis)) {
                recent.add(file);
            }
        }
        return recent;
    }

    /** Records a file seen through an event, so the next rescan does not report it again. */
    void saw(Path file) {
        FileTree.Stamp.of(file).ifPresentOrElse(s -> known.put(file, s), () -> known.remove(file));
    }
}

package dev.hotswap.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Class files the build deleted, told to the frameworks only once the deletion has settled. A
 * build deletes files it is about to write again: Maven's compiler plugin, seeing any change,
 * deletes every class file of the module and then compiles, seconds later. So a deletion counts
 * only when the file is still missing after class files were written with it or since (the build that
 * followed finished without it) and the folders have been quiet for {@link #QUIET}; or, with no
 * build after it (a file deleted by hand), after {@link #ALONE}; longer for a rebuild
 * ({@link #REBUILD}). Reload thread only.
 */
final class Deletions {
    static final Duration QUIET = Duration.ofSeconds(1);
    static final Duration ALONE = Duration.ofSeconds(10);
    /**
     * From this many class files missing at once, a rebuild is taken to be under way (Maven's
     * compiler plugin deleted the module's classes): javac on a loaded machine pauses longer
     * between the files it writes, and may take longer than {@link #ALONE} to write the first.
     */
    static final int REBUILD = 3;
    static final Duration REBUILD_QUIET = Duration.ofSeconds(5);
    static final Duration REBUILD_ALONE = Duration.ofSeconds(60);

    /** A deleted file's class, and whether class files were written with its deletion or since. */
    private static final class Pending {
        final String name;
        boolean builtSince;

        Pending(String name) {
            this.name = name;
        }
    }

    private final Map<Path, Pending> pending = new LinkedHashMap<>();
    private long lastEvent;

    /** A class file reported and found missing; {@link #batch} follows for the same batch. */
    void deleted(Path file, String name) {
        pending.putIfAbsent(file, new Pending(name));
    }

    /** A batch arrived at {@code now}; {@code wroteClasses} when it held class files that exist. */
    void batch(long now, boolean wroteClasses) {
        lastEvent = now;
        if (wroteClasses) {
            pending.values().forEach(p -> p.builtSince = true);
        }
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The classes whose deletion has settled by {@code now}; files that came back are forgotten. */
    List<String> settled(long now) {
        List<String> gone = new ArrayList<>();
        pending.keySet().removeIf(Files::exists); // written again: a build's delete-then-write
        boolean rebuild = pending.size() >= REBUILD;
        boolean quiet = now - lastEvent >= (rebuild ? REBUILD_QUIET : QUIET).toNanos();
        long alone = (rebuild ? REBUILD_ALONE : ALONE).toNanos();
        for (Iterator<Map.Entry<Path, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Pending> e = it.next();
            if ((quiet && e.getValue().builtSince) || now - lastEvent >= alone) {
                gone.add(e.getValue().name);
                it.remove();
            }
        }
        gone.sort(null);
        return gone;
    }
}

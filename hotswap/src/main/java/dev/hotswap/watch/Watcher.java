package dev.hotswap.watch;

import java.nio.file.Path;
import java.util.List;

/**
 * Watches folders of class files and reports each {@code .class} file that was created, written
 * or deleted, and each configuration file ({@code .properties}, {@code .yml}) created or written.
 * A file may be reported more than once per write; consumers drop bytes they already have, and
 * look whether a reported class file still exists. Implementations run on their own named daemon thread
 * and never throw into the caller after {@link #start}.
 */
public sealed interface Watcher extends AutoCloseable permits BatchInbox, DirectoryWatcher, PollingWatcher {

    /** Receives changed class files; called from the watcher's thread. */
    @FunctionalInterface
    interface Sink {
        void changed(Path classFile);
    }

    /** Receives a one-line report of a problem the watcher worked around. */
    @FunctionalInterface
    interface Problems {
        void report(String message);
    }

    /**
     * Begins watching on the watcher's own thread and returns at once: walking a large tree of
     * class files would otherwise hold up the program's start-up. A class file written from this
     * call on is reported even when it lands before its folder is registered (the first walk
     * reports files modified since this call).
     *
     * @param onWatching run on the watcher's thread once every existing folder is watched
     */
    void start(Runnable onWatching);

    /** The folders being watched, absolute and normalized. */
    List<Path> roots();

    @Override
    void close();
}

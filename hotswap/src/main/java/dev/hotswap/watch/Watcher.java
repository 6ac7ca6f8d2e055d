package dev.hotswap.watch;

import java.nio.file.Path;
import java.util.List;

/**
 * Watches folders of class files and reports each {@code .class} file that was created or
 * written. Deleted files are not reported. A file may be reported more than once per write;
 * consumers drop bytes they already have. Implementations run on their own named daemon thread
 * and never throw into the caller after {@link #start}.
 */
public sealed interface Watcher extends AutoCloseable permits DirectoryWatcher, PollingWatcher {

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

    /** Begins watching; returns once every existing folder is registered. */
    void start();

    /** The folders being watched, absolute and normalized. */
    List<Path> roots();

    @Override
    void close();
}

package dev.hotswap.watch;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Walking a folder of class files, and the size + time stamp that tells a changed file. */
final class FileTree {

    /** Size and modification time, nanosecond precision where the file system has it. */
    record Stamp(long size, long modifiedNanos) {
        static Optional<Stamp> of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return Optional.of(new Stamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    private FileTree() {
    }

    // File systems stamp with a coarse clock (a jiffy late at most); some only to the second or two.
    private static final long FINE_SLACK_NANOS = 50_000_000L;
    private static final long COARSE_SLACK_NANOS = 2_000_000_000L;

    /**
     * True when a file with this stamp may have been written at or after {@code sinceMillis}. A
     * stamp of a whole second may have been truncated by the file system: it gets 2 s of slack.
     */
    static boolean modifiedSince(Stamp stamp, long sinceMillis) {
        if (stamp == null) {
            return false;
        }
        long slack = stamp.modifiedNanos() % 1_000_000_000L == 0 ? COARSE_SLACK_NANOS : FINE_SLACK_NANOS;
        return stamp.modifiedNanos() >= sinceMillis * 1_000_000L - slack;
    }

    static boolean isClassFile(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().endsWith(".class");
    }

    /**
     * Every class file under {@code root} with its stamp, calling {@code onDirectory} for each folder.
     * Files and folders that vanish during the walk are skipped: builds delete while we read.
     */
    static Map<Path, Stamp> scan(Path root, Consumer<Path> onDirectory) {
        Map<Path, Stamp> files = new HashMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    onDirectory.accept(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && isClassFile(file)) {
                        files.put(file, new Stamp(attrs.size(),
                                attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // The root went away while we walked it; its re-creation is noticed separately.
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return files;
    }
}

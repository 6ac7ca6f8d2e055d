package dev.hotswap.watch;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Walking a folder of class files, and the size + time stamp that tells a changed file. */
public final class FileTree {

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

    /** A class file of the folders, found by walking as little as can be; empty when they have none. */
    public static Optional<Path> firstClassFile(java.util.List<Path> roots) {
        for (Path root : roots) {
            try (java.util.stream.Stream<Path> files = Files.walk(root)) {
                Optional<Path> found = files.filter(f -> isClassFile(f) && Files.isRegularFile(f)).findFirst();
                if (found.isPresent()) {
                    return found;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // a folder that went away or cannot be read: the next one
            }
        }
        return Optional.empty();
    }

    static boolean isClassFile(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().endsWith(".class");
    }

    /** The configuration files a build copies beside the classes, which a framework may follow ({@code application.properties}). */
    public static boolean isConfigFile(Path file) {
        Path name = file.getFileName();
        String s = name == null ? "" : name.toString();
        return s.endsWith(".properties") || s.endsWith(".yml") || s.endsWith(".yaml");
    }

    /**
     * The template files of the engines Spring Boot configures (Thymeleaf, FreeMarker, Mustache,
     * Groovy templates), which a framework may have cached as they were.
     */
    public static boolean isTemplateFile(Path file) {
        Path name = file.getFileName();
        String s = name == null ? "" : name.toString();
        return s.endsWith(".html") || s.endsWith(".htm") || s.endsWith(".ftlh") || s.endsWith(".ftl")
                || s.endsWith(".mustache") || s.endsWith(".tpl");
    }

    /** A file beside the classes that a framework may follow: a configuration file, a message bundle or a template. */
    public static boolean isResourceFile(Path file) {
        return isConfigFile(file) || isTemplateFile(file);
    }

    /** A file whose changes are reported: a class file or a resource file. */
    static boolean isWatched(Path file) {
        return isClassFile(file) || isResourceFile(file);
    }

    /**
     * Every file under {@code root} that is {@code reported}, with its stamp, calling {@code onDirectory} for each
     * folder before listing it: a watcher registered there first misses nothing created in it
     * afterwards, and a folder replaced meanwhile is listed as it is now (a walk that opens the
     * folder first could list the old one it replaced). Files and folders that vanish during the
     * walk are skipped: builds delete while we read. Symbolic links below the root are not followed.
     */
    static Map<Path, Stamp> scan(Path root, Consumer<Path> onDirectory, java.util.function.Predicate<Path> reported) {
        Map<Path, Stamp> files = new HashMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        Deque<Path> folders = new ArrayDeque<>();
        folders.push(root);
        while (!folders.isEmpty()) {
            Path folder = folders.pop();
            onDirectory.accept(folder);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path entry : entries) {
                    BasicFileAttributes attributes;
                    try {
                        attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException e) {
                        continue; // gone already
                    }
                    if (attributes.isDirectory()) {
                        folders.push(entry);
                    } else if (attributes.isRegularFile() && reported.test(entry)) {
                        files.put(entry, new Stamp(attributes.size(),
                                attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)));
                    }
                }
            } catch (IOException | DirectoryIteratorException e) {
                // The folder went away (or cannot be read) while we walked: its parent's events, or
                // the search for a missing root, bring it back.
            }
        }
        return files;
    }
}

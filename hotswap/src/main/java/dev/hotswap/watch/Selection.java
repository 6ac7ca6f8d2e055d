package dev.hotswap.watch;

import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Which files a watcher reports: those created or written, and those deleted.
 *
 * @param written a created or written file is reported when this holds
 * @param deleted a deleted file is reported when this holds
 */
public record Selection(Predicate<Path> written, Predicate<Path> deleted) {
    /** Class files and resource files (configuration, message bundles, templates) written; class files deleted (a framework may drop what it made of one). */
    public static final Selection CLASSES = new Selection(FileTree::isWatched, FileTree::isClassFile);

    /** Every file, written or deleted, whose name does not start with a dot or end with {@code ~} (editors' own files). */
    public static final Selection SOURCES = new Selection(Selection::isUsers, Selection::isUsers);

    private static boolean isUsers(Path file) {
        Path name = file.getFileName();
        String s = name == null ? "" : name.toString();
        return !s.isEmpty() && !s.startsWith(".") && !s.endsWith("~") && !s.endsWith(".swp") && !s.endsWith(".tmp");
    }
}

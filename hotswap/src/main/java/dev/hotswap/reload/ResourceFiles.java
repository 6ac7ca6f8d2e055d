package dev.hotswap.reload;

import dev.hotswap.classfile.Sha256;
import dev.hotswap.watch.FileTree;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the resource files of the watched folders (configuration, message bundles, templates)
 * held when last seen, so that one a build writes again with the same bytes ({@code mvn compile} copies every resource, Spring Boot's
 * filtering rewrites {@code application.properties}) is not told to the frameworks, nor reported,
 * as changed. Read once at start, off the program's start-up (on the reload thread), then as
 * files come.
 */
final class ResourceFiles {
    private final Map<Path, String> seen = new ConcurrentHashMap<>();

    /** Records every resource file under {@code folders}, as it is now. */
    void snapshot(List<Path> folders) {
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try {
                Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        if (attributes.isRegularFile() && FileTree.isResourceFile(file)) {
                            changed(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // a build deletes while we read
                    }
                });
            } catch (IOException e) {
                // unreadable: its files count as changed when they come
            }
        }
    }

    /**
     * True when {@code file} differs from what was last seen of it (or was never seen, or is gone,
     * or cannot be read); records what it holds now.
     */
    boolean changed(Path file) {
        Path key = file.toAbsolutePath().normalize();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(key);
        } catch (IOException e) {
            seen.remove(key);
            return true;
        }
        String now = Sha256.of(bytes);
        return !now.equals(seen.put(key, now));
    }
}

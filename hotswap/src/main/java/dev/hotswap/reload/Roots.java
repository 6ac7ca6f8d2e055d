package dev.hotswap.reload;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The folders whose class files are watched and reloaded. By default: every directory on the
 * class path and the module path, and the directories that the {@code Class-Path} manifest entry
 * of a jar on the class path names (a launcher jar started with {@code java -jar}).
 */
final class Roots {
    private final List<Path> folders;

    Roots(List<Path> folders) {
        // Longest first, so a file is attributed to the innermost root that holds it. Real paths,
        // because class loaders record where a class came from with symbolic links resolved.
        List<Path> sorted = new ArrayList<>(new LinkedHashSet<>(folders.stream().map(Roots::real).toList()));
        sorted.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        this.folders = List.copyOf(sorted);
    }

    /** The path with symbolic links resolved when it exists; absolute and normalized in any case. */
    static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException | SecurityException e) {
            return absolute; // not there yet: the watcher waits for it
        }
    }

    List<Path> folders() {
        return folders;
    }

    /** The root that holds {@code file}, if any. */
    Optional<Path> rootOf(Path file) {
        for (Path root : folders) {
            if (file.startsWith(root)) {
                return Optional.of(root);
            }
        }
        return Optional.empty();
    }

    /** The binary internal name a class file at this path must declare, e.g. {@code com/example/Demo}. */
    static String expectedName(Path root, Path file) {
        String relative = root.relativize(file).toString().replace(File.separatorChar, '/');
        return relative.endsWith(".class") ? relative.substring(0, relative.length() - ".class".length()) : relative;
    }

    /** Folders on the class path, the module path, and in jar manifests' Class-Path. */
    static List<Path> fromClassPath(Map<?, ?> properties) {
        Set<Path> found = new LinkedHashSet<>();
        for (String key : List.of("java.class.path", "jdk.module.path")) {
            Object value = properties.get(key);
            if (value == null) {
                continue;
            }
            for (String entry : value.toString().split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path path;
                try {
                    path = Path.of(entry).toAbsolutePath().normalize();
                } catch (InvalidPathException e) {
                    continue;
                }
                if (Files.isDirectory(path)) {
                    found.add(path);
                } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                    found.addAll(manifestFolders(path));
                }
            }
        }
        return List.copyOf(found);
    }

    private static List<Path> manifestFolders(Path jar) {
        List<Path> folders = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return folders;
            }
            for (String entry : classPath.trim().split("\\s+")) {
                // Entries are URLs relative to the jar; a folder ends with '/'.
                if (!entry.endsWith("/")) {
                    continue;
                }
                try {
                    Path folder = jar.toUri().resolve(entry).getScheme().equals("file")
                            ? Path.of(jar.toUri().resolve(entry)).toAbsolutePath().normalize()
                            : null;
                    if (folder != null && Files.isDirectory(folder)) {
                        folders.add(folder);
                    }
                } catch (IllegalArgumentException e) {
                    // not a usable URL: the JVM ignores it too
                }
            }
        } catch (IOException e) {
            // unreadable jar: nothing to watch in it
        }
        return folders;
    }
}

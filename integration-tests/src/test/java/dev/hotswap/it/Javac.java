package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles test programs with {@code javax.tools}, writing class files where javac would. */
final class Javac {
    private Javac() {
    }

    /**
     * Compiles {@code sources} (class name → source text) into {@code out}, exactly as
     * {@code javac -d out} does: the class files are written in place, one after the other.
     */
    private static final ThreadLocal<List<String>> EXTRA = ThreadLocal.withInitial(List::of);

    /** As {@link #compile(Path, Map, Path...)}, with {@code -parameters} (parameter names in the class files). */
    static void compileWithParameterNames(Path out, Map<String, String> sources, Path... classPath) throws IOException {
        compileWith(List.of("-parameters"), out, sources, classPath);
    }

    /** As {@link #compile(Path, Map, Path...)}, with more javac options. */
    static void compileWith(List<String> options, Path out, Map<String, String> sources, Path... classPath) throws IOException {
        EXTRA.set(options);
        try {
            compile(out, sources, classPath);
        } finally {
            EXTRA.remove();
        }
    }

    static void compile(Path out, Map<String, String> sources, Path... classPath) throws IOException {
        Path sourceDir = Files.createTempDirectory("hotswap-src");
        try {
            compile(sourceDir, out, sources, classPath);
        } finally {
            deleteTree(sourceDir);
        }
    }

    private static void compile(Path sourceDir, Path out, Map<String, String> sources, Path... classPath) throws IOException {
        List<File> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceDir.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file.toFile());
        }
        Files.createDirectories(out);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter messages = new StringWriter();
        try (StandardJavaFileManager manager = compiler.getStandardFileManager(null, null, null)) {
            Iterable<? extends JavaFileObject> units = manager.getJavaFileObjectsFromFiles(files);
            List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-proc:none"));
            options.addAll(EXTRA.get());
            List<Path> path = new ArrayList<>(List.of(classPath));
            path.add(ChildJvm.hotswapJar());
            options.add("-cp");
            options.add(path.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            boolean ok = compiler.getTask(messages, manager, null, options, null, units).call();
            assertThat(ok).as("compilation failed:\n%s", messages).isTrue();
        }
    }

    /** Compiles into a fresh folder and returns the bytes of one class. */
    static byte[] bytesOf(String className, Map<String, String> sources) throws IOException {
        Path out = Files.createTempDirectory("hotswap-classes");
        try {
            compile(out, sources);
            return Files.readAllBytes(out.resolve(className.replace('.', '/') + ".class"));
        } finally {
            deleteTree(out);
        }
    }

    /** Deletes a folder and all it holds; tests leave nothing behind in the temp folder. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package dev.hotswap.dev;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * javac in this JVM ({@code javax.tools}), kept warm between compiles: one compile's class files
 * are collected in memory, each with the source file it came from, and written by the caller only
 * once the whole compile succeeded. Diagnostics are printed as javac prints them.
 */
final class Compiler {
    /** One class file a compile produced: its internal name, bytes, and the source it came from. */
    record Output(String internalName, byte[] bytes, Path source) {
    }

    /** A compile's result: its class files when it succeeded; nothing when it did not. */
    record Result(boolean succeeded, List<Output> outputs) {
        Result {
            outputs = List.copyOf(outputs);
        }
    }

    private final JavaCompiler javac;
    private final List<String> options;
    private final Path out;
    private final Path generated;

    /**
     * @param classPath what the program's sources compile against (the output folder first)
     * @param options javac's other options ({@code -g}, {@code --release 17}, …)
     * @param out the output folder: what an annotation processor writes besides class files goes there
     * @param generated where sources an annotation processor generates go
     */
    Compiler(List<Path> classPath, List<String> options, Path out, Path generated) {
        this.out = out;
        this.generated = generated;
        this.javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this Java runtime has no compiler (javax.tools): run dev mode with a JDK");
        }
        List<String> all = new ArrayList<>(options);
        all.add("-classpath");
        all.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        this.options = List.copyOf(all);
    }

    /** Compiles {@code sources} together; javac's messages go to {@code diagnostics}. */
    Result compile(Collection<Path> sources, Writer diagnostics) throws IOException {
        if (sources.isEmpty()) {
            return new Result(true, List.of());
        }
        Map<String, Output> outputs = new LinkedHashMap<>();
        try (StandardJavaFileManager standard = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
             Capture capture = new Capture(standard, outputs)) {
            java.nio.file.Files.createDirectories(out);
            java.nio.file.Files.createDirectories(generated);
            standard.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
            standard.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(generated));
            Iterable<? extends JavaFileObject> units = standard.getJavaFileObjectsFromPaths(sources);
            PrintWriter out = new PrintWriter(diagnostics, true);
            boolean ok = javac.getTask(out, capture, null, options, null, units).call();
            out.flush();
            return ok ? new Result(true, new ArrayList<>(outputs.values())) : new Result(false, List.of());
        }
    }

    /** Keeps class files in memory, keyed by class; anything else (generated sources) goes where javac's options say. */
    private static final class Capture extends ForwardingJavaFileManager<JavaFileManager> {
        private final Map<String, Output> outputs;
        private final Map<String, Path> sourceOf = new HashMap<>();

        Capture(JavaFileManager standard, Map<String, Output> outputs) {
            super(standard);
            this.outputs = outputs;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) throws IOException {
            if (location != StandardLocation.CLASS_OUTPUT || kind != JavaFileObject.Kind.CLASS) {
                return super.getJavaFileForOutput(location, className, kind, sibling);
            }
            String internal = className.replace('.', '/');
            Path source = sibling == null ? null : Path.of(sibling.toUri());
            return new SimpleJavaFileObject(java.net.URI.create("mem:///" + internal + ".class"), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            outputs.put(internal, new Output(internal, toByteArray(), source));
                        }
                    };
                }
            };
        }
    }
}

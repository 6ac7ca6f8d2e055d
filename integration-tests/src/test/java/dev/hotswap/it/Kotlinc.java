package dev.hotswap.it;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jetbrains.kotlin.cli.common.ExitCode;
import org.jetbrains.kotlin.cli.jvm.K2JVMCompiler;

/**
 * Builds Kotlin sources as kotlin-maven-plugin does, with Kotlin's own compiler run in this JVM:
 * every class file of the output folder deleted, then every source compiled again into it.
 */
final class Kotlinc {
    private Kotlinc() {
    }

    /** The Kotlin program's run-time jars (stdlib, kotlinx-coroutines), as the build copied them. */
    static List<Path> runtime() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of(System.getProperty("kotlinJars")))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** Compiles {@code sources} (file name → text) into {@code out}, after deleting its class files. */
    static void build(Path out, Map<String, String> sources) throws IOException {
        Files.createDirectories(out);
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Files.delete(f);
            }
        }
        Path sourceDir = Files.createTempDirectory("hotswap-kt");
        try {
            List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-no-stdlib", "-no-reflect", "-jvm-target", "17",
                    "-classpath", runtime().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator))));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = sourceDir.resolve(source.getKey());
                Files.writeString(file, source.getValue());
                args.add(file.toString());
            }
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            ExitCode code = new K2JVMCompiler().exec(new PrintStream(messages, true, StandardCharsets.UTF_8),
                    args.toArray(String[]::new));
            if (code != ExitCode.OK) {
                throw new AssertionError("kotlinc failed (" + code + "):\n" + messages.toString(StandardCharsets.UTF_8));
            }
        } finally {
            Javac.deleteTree(sourceDir);
        }
    }
}

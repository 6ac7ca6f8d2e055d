package dev.hotswap.bench;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * An application of n ordinary classes compiled by javac: each with a field, a constructor, a few
 * methods and a lambda, and a {@code Main} whose first line of output needs every one of them.
 */
final class AppGen {
    private AppGen() {
    }

    static Path generate(Path root, int n, Path hotswapJar) throws IOException {
        Path sources = Files.createDirectories(root.resolve("src/app"));
        Path classes = Files.createDirectories(root.resolve("classes"));
        List<File> files = new ArrayList<>();
        StringBuilder touch = new StringBuilder();
        for (int i = 0; i < n; i++) {
            files.add(write(sources.resolve("C" + i + ".java"), source(i, "")));
            touch.append("        s += C").append(i).append(".touch();\n");
        }
        files.add(write(sources.resolve("Main.java"), """
                package app;
                public class Main {
                    public static String run() {
                        long s = 0;
                %s
                        return "ready " + s;
                    }
                    public static void main(String[] args) {
                        System.out.println(run());
                    }
                }
                """.formatted(touch)));
        files.add(write(sources.resolve("MainLib.java"), """
                package app;
                public class MainLib {
                    public static void main(String[] args) {
                        dev.hotswap.Hotswap.start();
                        System.out.println(Main.run());
                    }
                }
                """));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter messages = new StringWriter();
        try (StandardJavaFileManager manager = javac.getStandardFileManager(null, null, null)) {
            boolean ok = javac.getTask(messages, manager, null,
                    List.of("-d", classes.toString(), "-cp", hotswapJar.toString(), "-proc:none"), null,
                    manager.getJavaFileObjectsFromFiles(files)).call();
            if (!ok) {
                throw new IllegalStateException("generated app does not compile: " + messages);
            }
        }
        return classes;
    }

    /** Class {@code app.C<i>}: a field, a constructor, three methods and a lambda, and {@code more} members. */
    static String source(int i, String more) {
        return """
                package app;
                import java.util.function.IntSupplier;
                public class C%1$d {
                    private final int x;
                    public C%1$d(int x) { this.x = x; }
                    public int a() { return x * 31 + %1$d; }
                    public String b() { return "C%1$d:" + a(); }
                    public IntSupplier c() { return () -> a() + b().length(); }
                    public static int touch() { return new C%1$d(%1$d).c().getAsInt(); }
                %2$s}
                """.formatted(i, more);
    }

    private static File write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return file.toFile();
    }
}

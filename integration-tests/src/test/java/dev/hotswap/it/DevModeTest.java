package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar hotswap.jar dev}: a Maven-layout project with no class files yet is built and
 * started; each edit of a source (or a resource) is compiled in the dev JVM and swapped into the
 * program as one batch, its counter going on; a compile error is printed as javac prints it and
 * changes nothing; a signature change recompiles the sources that depend on it; stopping dev mode
 * ends the program.
 */
class DevModeTest {
    @TempDir
    Path project;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    System.out.println("pid=" + ProcessHandle.current().pid() + " args=" + String.join(",", args));
                    for (int n = 1; ; n++) {
                        step(n);
                        Thread.sleep(50);
                    }
                }

                // The loop in main never leaves main, so what an edit changes is here.
                static void step(int n) throws Exception {
                    System.out.println(Greeter.line(n));
                }
            }
            """;

    private static final String GREETER = """
            package app;
            import java.util.Properties;
            public class Greeter {
                static String line(int n) throws Exception {
                    Properties p = new Properties();
                    try (var in = Greeter.class.getResourceAsStream("/app.properties")) {
                        p.load(in);
                    }
                    return "tick " + n + " hello " + p.getProperty("mood");
                }
            }
            """;

    private Path write(String relative, String text) throws Exception {
        Path file = project.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static int tick(String line) {
        Matcher m = Pattern.compile("tick (\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void buildsRunsAndSwapsEachSaveAsOneBatchKeepingState() throws Exception {
        write("src/main/java/app/Main.java", MAIN);
        Path greeter = write("src/main/java/app/Greeter.java", GREETER);
        Path properties = write("src/main/resources/app.properties", "mood=calm\n");
        try (ChildJvm dev = ChildJvm.start(project, List.of("-jar", ChildJvm.hotswapJar().toString(), "dev",
                "--main", "app.Main", "--", "one", "two"))) {
            dev.await("hotswap dev: compiled 2 files");
            String started = dev.await("pid=");
            assertThat(started).endsWith("args=one,two");
            long pid = Long.parseLong(started.replaceAll(".*pid=(\\d+).*", "$1"));
            dev.await("hello calm");
            assertThat(project.resolve("target/classes/app/Greeter.class")).exists();
            assertThat(project.resolve("target/classes/app.properties")).exists();

            // A body edit: swapped, the counter goes on.
            int before = tick(dev.await("hello calm"));
            int mark = dev.mark();
            Files.writeString(greeter, GREETER.replace("\" hello \"", "\" howdy \""));
            dev.awaitAfter(mark, "hotswap dev: compiled 1 file in");
            assertThat(dev.awaitAfter(mark, "hotswap: reloaded 1 class")).contains("app.Greeter");
            assertThat(tick(dev.awaitAfter(mark, "howdy calm"))).isGreaterThan(before);

            // A resource edit: copied, and the program reads the new value.
            mark = dev.mark();
            Files.writeString(properties, "mood=sunny\n");
            dev.awaitAfter(mark, "howdy sunny");

            // A compile error: printed as javac prints it, nothing applied, the program runs on.
            mark = dev.mark();
            Files.writeString(greeter, GREETER.replace("\" hello \"", "\" broken \" +"));
            String error = dev.awaitAfter(mark, "Greeter.java:");
            assertThat(error).contains("error:");
            dev.awaitAfter(mark, "hotswap dev: compile failed (1 file); nothing applied, the program runs on");
            int failedAt = dev.mark();
            dev.awaitMore(5, "tick ");
            assertThat(dev.linesMatching(l -> l.startsWith("tick ") && l.contains("broken"))).isEmpty();
            assertThat(dev.linesFrom(failedAt).stream().filter(l -> l.startsWith("tick ")))
                    .allMatch(l -> l.contains("howdy sunny"));

            // A signature change with the dependent fixed in the same save: one batch of both, structural.
            mark = dev.mark();
            Path main = project.resolve("src/main/java/app/Main.java");
            Files.writeString(greeter, GREETER.replace("static String line(int n)", "static String line(int n, String who)")
                    .replace("\" hello \"", "\" hi \" + who + \" \""));
            Files.writeString(main, MAIN.replace("Greeter.line(n)", "Greeter.line(n, \"ann\")"));
            String reloaded = dev.awaitAfter(mark, "hotswap: reloaded 2 classes");
            assertThat(reloaded).contains("app.Greeter").contains("app.Main");
            dev.awaitAfter(mark, "hi ann sunny");

            // A constant changed: the source that reads it is compiled again though its class names no Greeter constant.
            mark = dev.mark();
            write("src/main/java/app/Words.java", "package app; public class Words { public static final String WHO = \"bob\"; }");
            Files.writeString(main, MAIN.replace("Greeter.line(n)", "Greeter.line(n, Words.WHO)"));
            dev.awaitAfter(mark, "hi bob sunny");
            mark = dev.mark();
            write("src/main/java/app/Words.java", "package app; public class Words { public static final String WHO = \"cy\"; }");
            dev.awaitAfter(mark, "and 1 that depend on its changes");
            dev.awaitAfter(mark, "hi cy sunny");
            assertThat(dev.isAlive()).isTrue();

            // Ending dev mode (as Ctrl-C does: its shutdown runs) ends the program.
            dev.stop();
            Optional<ProcessHandle> program = ProcessHandle.of(pid);
            if (program.isPresent()) {
                program.get().onExit().get(ChildJvm.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void aProgramWhoseSourcesDoNotCompileStartsOnceTheyDo() throws Exception {
        write("src/main/java/app/Main.java", MAIN);
        Path greeter = write("src/main/java/app/Greeter.java", GREETER.replace("return", "return return"));
        write("src/main/resources/app.properties", "mood=calm\n");
        try (ChildJvm dev = ChildJvm.start(project, List.of("-jar", ChildJvm.hotswapJar().toString(), "dev",
                "--main", "app.Main"))) {
            dev.await("hotswap dev: compile failed (2 files); nothing applied; the program starts once its sources compile");
            assertThat(dev.linesMatching(l -> l.startsWith("pid="))).isEmpty();
            Files.writeString(greeter, GREETER);
            dev.await("hello calm");
        }
    }

    @Test
    void aBadCommandLineIsExplained() throws Exception {
        try (ChildJvm dev = ChildJvm.start(project, List.of("-jar", ChildJvm.hotswapJar().toString(), "dev"))) {
            dev.await("hotswap dev: --main CLASS is required");
            assertThat(dev.awaitExit()).isEqualTo(2);
        }
    }
}

package dev.hotswap.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev mode's incremental build with the real javac of this JDK, in a temporary project. */
class BuildTest {
    @TempDir
    Path project;
    Path src;
    Path out;
    StringWriter diagnostics;
    Build build;

    @BeforeEach
    void setUp() throws Exception {
        src = Files.createDirectories(project.resolve("src/main/java/app"));
        Files.createDirectories(project.resolve("src/main/resources"));
        out = project.resolve("target/classes");
        DevSettings settings = new DevSettings("app.Main", List.of(), List.of(project.resolve("src/main/java")),
                List.of(project.resolve("src/main/resources")), out, DevSettings.DEFAULT_JAVAC, List.of(), List.of());
        diagnostics = new StringWriter();
        build = new Build(settings, new Compiler(settings.runClassPath(), settings.javacOptions(), settings.out(), settings.generatedSources()), diagnostics);
        write("Lib.java", "package app; public class Lib { public static int twice(int x) { return 2 * x; } }");
        write("Main.java", "package app; public class Main { static int run() { return Lib.twice(3); } }");
        write("Other.java", "package app; public class Other { static String hi() { return \"hi\"; } }");
        Files.writeString(project.resolve("src/main/resources/app.properties"), "a=1\n");
    }

    private void write(String name, String text) throws Exception {
        Files.writeString(src.resolve(name), text);
    }

    private Build.Round.Compiled compiled(Build.Round round) {
        assertThat(round).as(diagnostics.toString()).isInstanceOf(Build.Round.Compiled.class);
        return (Build.Round.Compiled) round;
    }

    private Path classFile(String name) {
        return out.resolve("app/" + name + ".class");
    }

    @Test
    void theFirstRoundCompilesEverythingAndCopiesResources() throws Exception {
        Build.Round.Compiled first = compiled(build.next(Set.of()));
        assertThat(first.compiled()).isEqualTo(3);
        assertThat(first.files()).contains(classFile("Lib"), classFile("Main"), classFile("Other"), out.resolve("app.properties"));
        assertThat(out.resolve("app.properties")).hasContent("a=1");
        assertThat(build.next(Set.of())).isInstanceOf(Build.Round.Nothing.class);
    }

    @Test
    void aBodyEditCompilesThatFileAloneAndASaveOfTheSameTextNothing() throws Exception {
        compiled(build.next(Set.of()));
        write("Lib.java", "package app; public class Lib { public static int twice(int x) { return x + x; } }");
        Build.Round.Compiled round = compiled(build.next(Set.of()));
        assertThat(round.compiled()).isEqualTo(1);
        assertThat(round.dependents()).isZero();
        assertThat(round.files()).containsExactly(classFile("Lib"));
        // The same text again (a touch, a save without edits), even reported by a watcher: nothing to do.
        write("Lib.java", "package app; public class Lib { public static int twice(int x) { return x + x; } }");
        assertThat(build.next(Set.of(src.resolve("Lib.java")))).isInstanceOf(Build.Round.Nothing.class);
    }

    @Test
    void aSignatureChangeRecompilesItsUsersAndABrokenUserHoldsTheWholeRoundBack() throws Exception {
        compiled(build.next(Set.of()));
        byte[] mainBefore = Files.readAllBytes(classFile("Main"));
        write("Lib.java", "package app; public class Lib { public static int twice(long x) { return (int) (2 * x); } }");
        Build.Round.Compiled round = compiled(build.next(Set.of()));
        assertThat(round.compiled()).isEqualTo(2);
        assertThat(round.dependents()).isEqualTo(1); // Main calls it; Other does not
        assertThat(round.files()).containsExactlyInAnyOrder(classFile("Lib"), classFile("Main"));
        assertThat(Files.readAllBytes(classFile("Main"))).isNotEqualTo(mainBefore); // now calls twice(J)I

        // Lib's method is renamed: Main no longer compiles. Nothing is handed over...
        write("Lib.java", "package app; public class Lib { public static int doubled(long x) { return (int) (2 * x); } }");
        Build.Round failed = build.next(Set.of());
        assertThat(failed).isInstanceOf(Build.Round.Failed.class);
        assertThat(((Build.Round.Failed) failed).sources()).containsExactly(src.resolve("Main.java"));
        assertThat(diagnostics.toString()).contains("Main.java").contains("error");
        // ... until Main is fixed: then Lib and Main go in together, as one batch.
        write("Main.java", "package app; public class Main { static int run() { return Lib.doubled(3); } }");
        Build.Round.Compiled fixed = compiled(build.next(Set.of()));
        assertThat(fixed.files()).containsExactlyInAnyOrder(classFile("Lib"), classFile("Main"));
    }

    @Test
    void aCompileErrorWritesNothingAndTheFixCompilesAgain() throws Exception {
        compiled(build.next(Set.of()));
        byte[] before = Files.readAllBytes(classFile("Other"));
        write("Other.java", "package app; public class Other { static String hi() { return 1; } }");
        assertThat(build.next(Set.of())).isInstanceOf(Build.Round.Failed.class);
        assertThat(diagnostics.toString()).contains("Other.java:1: error: incompatible types");
        assertThat(Files.readAllBytes(classFile("Other"))).isEqualTo(before);
        Files.writeString(project.resolve("src/main/resources/app.properties"), "a=2\n");
        // A second failing round: resources are not copied while the code does not compile.
        write("Other.java", "package app; public class Other { static String hi() { return 2; } }");
        assertThat(build.next(Set.of())).isInstanceOf(Build.Round.Failed.class);
        assertThat(out.resolve("app.properties")).hasContent("a=1");
        write("Other.java", "package app; public class Other { static String hi() { return \"ho\"; } }");
        Build.Round.Compiled round = compiled(build.next(Set.of()));
        assertThat(round.files()).containsExactlyInAnyOrder(classFile("Other"), out.resolve("app.properties"));
        assertThat(out.resolve("app.properties")).hasContent("a=2");
    }

    @Test
    void aConstantChangeRecompilesTheSourcesThatNameTheClass() throws Exception {
        write("Words.java", "package app; public class Words { public static final String WHO = \"ann\"; }");
        write("Other.java", "package app; public class Other { static String hi() { return \"hi \" + Words.WHO; } }");
        compiled(build.next(Set.of()));
        write("Words.java", "package app; public class Words { public static final String WHO = \"bob\"; }");
        Build.Round.Compiled round = compiled(build.next(Set.of()));
        assertThat(round.dependents()).isEqualTo(1);
        assertThat(round.files()).containsExactlyInAnyOrder(classFile("Words"), classFile("Other"));
        assertThat(new String(Files.readAllBytes(classFile("Other")), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("hi bob");
    }

    @Test
    void classesASourceNoLongerGivesAreDeletedAndInTheBatch() throws Exception {
        write("Other.java", "package app; public class Other { static class Inner { } static Object hi() { return new Inner(); } }");
        compiled(build.next(Set.of()));
        assertThat(classFile("Other$Inner")).exists();
        write("Other.java", "package app; public class Other { static Object hi() { return \"no inner\"; } }");
        Build.Round.Compiled round = compiled(build.next(Set.of()));
        assertThat(classFile("Other$Inner")).doesNotExist();
        assertThat(round.files()).contains(classFile("Other"), classFile("Other$Inner"));

        Files.delete(src.resolve("Other.java"));
        Files.delete(project.resolve("src/main/resources/app.properties"));
        Build.Round.Compiled deleted = compiled(build.next(Set.of()));
        assertThat(classFile("Other")).doesNotExist();
        assertThat(out.resolve("app.properties")).doesNotExist();
        assertThat(deleted.files()).contains(classFile("Other"), out.resolve("app.properties"));
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An anonymous class inserted before another (scenario 49): javac renumbers them, so the loaded
 * {@code Greeter$1} (a Supplier) would become a Runnable, which no JVM redefines. The loaded
 * class takes its own content's new version instead, now compiled as {@code Greeter$2}: the
 * object made before the swap runs its own class's new code; the inserted class runs under a
 * name of its own. Then the change is undone.
 */
class AnonymousClassTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.function.Supplier;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Greeter greeter = new Greeter();
                    Supplier<String> old = greeter.make();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " old=" + old.get() + " new=" + greeter.make().get()
                                + " extra=" + greeter.extra() + " class=" + old.getClass().getName());
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String V1 = """
            package app;
            import java.util.function.Supplier;
            public class Greeter {
                private int calls;
                public String extra() { return "none"; }
                public Supplier<String> make() {
                    return new Supplier<>() { public String get() { calls++; return "v1/" + (calls > 0); } };
                }
            }
            """;

    private static final String V2 = """
            package app;
            import java.util.function.Supplier;
            public class Greeter {
                private int calls;
                public String extra() {
                    Runnable r = new Runnable() { public void run() { calls += 1000; } };
                    r.run();
                    return "ran/" + (calls >= 1000) + "/" + getClass().getName();
                }
                public Supplier<String> make() {
                    return new Supplier<>() { public String get() { calls++; return "v2/" + (calls > 0); } };
                }
            }
            """;

    @Test
    void anInsertedAnonymousClassLeavesExistingObjectsRunningTheirOwnCode() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Greeter", V1);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=150ms,verbosity=verbose", classes, "app.Main")) {
            child.await("old=v1/true new=v1/true extra=none class=app.Greeter$1");
            Javac.compile(classes, Map.of("app.Greeter", V2), classes);
            // The old object is still a Greeter$1 and runs the new body of its own source class.
            child.await("old=v2/true new=v2/true extra=ran/true/app.Greeter class=app.Greeter$1");
            assertThat(child.output()).contains("app.Greeter$1 runs as app.Greeter$1$hotswap1, app.Greeter$2 as app.Greeter$1");
            // A build that writes only the outer class: its references still mean what runs now.
            Path alone = dir.resolve("alone");
            Javac.compile(alone, Map.of("app.Greeter", V2.replace("\"ran/\"", "\"RAN/\"")), classes);
            java.nio.file.Files.copy(alone.resolve("app/Greeter.class"), classes.resolve("app/Greeter.class"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            child.await("old=v2/true new=v2/true extra=RAN/true/app.Greeter class=app.Greeter$1");
            Javac.compile(classes, Map.of("app.Greeter", V1), classes);
            child.await("old=v1/true new=v1/true extra=none class=app.Greeter$1");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interface default methods added, modifiers changed, and a running method finishing in its old code. */
class StructuralMoreTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Greeter greeter = new Impl();
                    Thread worker = new Thread(() -> {
                        try {
                            while (true) {
                                Impl.longRun();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    worker.setDaemon(true);
                    worker.start();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + Impl.show(greeter));
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String GREETER_V1 = """
            package app;
            public interface Greeter {
                String name();
            }
            """;

    private static final String GREETER_V2 = """
            package app;
            public interface Greeter {
                String name();
                default String greet() { return "hello " + name(); }
            }
            """;

    private static final String IMPL_V1 = """
            package app;
            public class Impl implements Greeter {
                public String name() { return "impl"; }
                static String show(Greeter g) { return "v1 " + g.name() + " helper=" + new Impl().helper(); }
                private int helper() { return 1; }
                static void longRun() throws InterruptedException {
                    for (int i = 0; i < 25; i++) {
                        System.out.println("run v1 step " + i);
                        Thread.sleep(40);
                    }
                }
            }
            """;

    /** Calls a new default method; the private helper became static and public; longRun changed. */
    private static final String IMPL_V2 = """
            package app;
            public class Impl implements Greeter {
                public String name() { return "impl"; }
                static String show(Greeter g) { return "v2 " + g.greet() + " helper=" + helper(); }
                public static int helper() { return 2; }
                static void longRun() throws InterruptedException {
                    for (int i = 0; i < 25; i++) {
                        System.out.println("run v2 step " + i);
                        Thread.sleep(40);
                    }
                }
            }
            """;

    private static Map<String, String> sources(String greeter, String impl) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("app.Greeter", greeter);
        sources.put("app.Impl", impl);
        return sources;
    }

    @Test
    void defaultMethodAddedModifiersChangedAndRunningMethodFinishesOld() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = sources(GREETER_V1, IMPL_V1);
        all.put("app.Main", MAIN);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await("v1 impl helper=1");
            child.await("run v1 step 3"); // the worker is inside longRun, early in its loop
            Javac.compile(classes, sources(GREETER_V2, IMPL_V2), classes);
            int mark = child.mark();
            child.awaitAfter(mark, "v2 hello impl helper=2");
            // The invocation that was running when the swap came finishes in the old code...
            child.awaitAfter(mark, "run v1 step 24");
            // ...and the next one runs the new code.
            child.awaitAfter(mark, "run v2 step 0");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception");
        }
    }
}

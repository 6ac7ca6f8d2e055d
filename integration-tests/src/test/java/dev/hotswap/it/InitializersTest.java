package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No lock of the engine is held while user code runs. A thread is initializing a class whose
 * static initializer calls a method a swap adds (a call site the engine links) while that very
 * swap's added static field runs its initializer, which needs the class being initialized: with
 * the engine's lock held through initializers the two threads would wait for each other forever.
 * Both finish, and the program goes on with the swapped code.
 */
class InitializersTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                static volatile boolean committed;
                public static void main(String[] args) throws Exception {
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + Hub.version());
                        if (Hub.version().equals("v2")) {
                            break;
                        }
                        Thread.sleep(20);
                    }
                    // Hub is under the engine now; Other loads after, rewritten to call Hub.m3() through it.
                    Thread init = new Thread(() -> System.out.println("initialized " + Other.hello()), "initializer");
                    init.setDaemon(true);
                    init.start();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + Hub.version());
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String hub(String version, String more) {
        return """
                package app;
                public class Hub {
                    static String version() { return "%s"; }
                    %s
                }
                """.formatted(version, more);
    }

    /** Compiled against Hub v3: its static initializer waits for the swap, then calls the method v3 adds. */
    private static final String OTHER = """
            package app;
            public class Other {
                static final String VALUE;
                static {
                    System.out.println("other initializing");
                    while (!Main.committed) {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    VALUE = "other+" + Hub.m3();
                }
                static String hello() { return VALUE; }
            }
            """;

    private static final String HUB_V3 = hub("v3", """
            static String seen = init();
            static String init() {
                Main.committed = true;
                return Other.hello();
            }
            static String m3() { return "m3"; }
            static String seen() { return seen; }
            """);

    @Test
    void anInitializerOfTheBatchAndABootstrapOfAnotherThreadDoNotDeadlock() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Hub", hub("v1", ""));
        Javac.compile(classes, all);
        Map<String, String> other = new LinkedHashMap<>();
        other.put("app.Other", OTHER);
        other.put("app.Hub", HUB_V3);
        other.put("app.Main", MAIN);
        Path otherClasses = dir.resolve("other");
        Javac.compile(otherClasses, other);
        java.nio.file.Files.copy(otherClasses.resolve("app/Other.class"), classes.resolve("app/Other.class"));
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1");
            // First structural swap: Hub goes under the engine (a method added).
            Javac.compile(classes, Map.of("app.Hub", hub("v2", "static int m2() { return 2; }")), classes);
            child.await("other initializing");
            Javac.compile(classes, Map.of("app.Hub", HUB_V3), classes);
            assertThat(child.await("initialized ")).endsWith("initialized other+m3");
            child.await(" v3");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

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

    /**
     * Compiled against Hub v3: its static initializer waits for v3's swap, then calls m2(), which v2
     * added (the loaded Hub lacks it, so the call goes through a call site the engine links).
     */
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
                    VALUE = "other+" + Hub.m2();
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
            static int m2() { return 2; }
            static String seen() { return seen; }
            """);

    @Test
    void anInitializerOfTheBatchAndABootstrapOfAnotherThreadDoNotDeadlock() throws Exception {
        // Main and Other as compiled against Hub v3; Hub itself starts at v1.
        Map<String, String> againstV3 = new LinkedHashMap<>();
        againstV3.put("app.Main", MAIN);
        againstV3.put("app.Other", OTHER);
        againstV3.put("app.Hub", HUB_V3);
        Path v3 = dir.resolve("v3");
        Javac.compile(v3, againstV3);
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Hub", hub("v1", "")));
        for (String name : new String[] {"Main", "Other"}) {
            java.nio.file.Files.copy(v3.resolve("app/" + name + ".class"), classes.resolve("app/" + name + ".class"));
        }
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1");
            // First structural swap: Hub goes under the engine (a method added).
            Javac.compile(classes, Map.of("app.Hub", hub("v2", "static int m2() { return 2; }")), classes);
            child.await("other initializing");
            Javac.compile(classes, Map.of("app.Hub", HUB_V3), classes);
            assertThat(child.await("initialized ")).endsWith("initialized other+2");
            child.await(" v3");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

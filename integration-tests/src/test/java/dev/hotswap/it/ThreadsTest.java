package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight threads call a method in a tight loop while it is swapped, first its body, then
 * structurally (scenario 63): every thread runs the new code, none dies, the shared count goes
 * on. Then reflection: a {@code Method} taken before the swaps runs the newest body;
 * {@code getDeclaredMethods()} shows the methods as loaded, not the ones a swap added (as the
 * README says), besides the synthetic {@code toString}, {@code hashCode} and {@code equals}
 * planted at load.
 */
class ThreadsTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.lang.reflect.Method;
            import java.util.Arrays;
            import java.util.TreeSet;
            import java.util.concurrent.atomic.AtomicLong;
            public class Main {
                static final AtomicLong total = new AtomicLong();
                public static void main(String[] args) throws Exception {
                    int n = 8;
                    String[] seen = new String[n];
                    Thread[] threads = new Thread[n];
                    for (int i = 0; i < n; i++) {
                        int me = i;
                        threads[i] = new Thread(() -> {
                            while (true) {
                                seen[me] = Worker.step(me);
                            }
                        }, "worker-" + i);
                        threads[i].setDaemon(true);
                        threads[i].start();
                    }
                    Method step = Worker.class.getDeclaredMethod("step", int.class);
                    for (long tick = 0; ; tick++) {
                        int alive = 0;
                        for (Thread t : threads) {
                            alive += t.isAlive() ? 1 : 0;
                        }
                        String[] methods = Arrays.stream(Worker.class.getDeclaredMethods()).map(Method::getName)
                                .sorted().toArray(String[]::new);
                        System.out.println("tick=" + tick + " seen=" + new TreeSet<>(Arrays.stream(seen).map(String::valueOf).toList()) + " alive=" + alive
                                + " total=" + total.get() + " reflect=" + step.invoke(null, 0) + " methods="
                                + Arrays.toString(methods) + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String worker(String body, String extra) {
        return """
                package app;
                public class Worker {
                    static String step(int who) {
                        Main.total.incrementAndGet();
                        %s
                    }
                    %s
                }
                """.formatted(body, extra);
    }

    @Test
    void everyLoopingThreadRunsTheNewCode() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Worker", worker("return \"v1\";", ""));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            String before = child.await("seen=[v1] alive=8");
            Javac.compile(classes, Map.of("app.Worker", worker("return \"v2\";", "")), classes);
            child.await("seen=[v2] alive=8");
            Javac.compile(classes, Map.of("app.Worker", worker("return tag(who);",
                    "private static String tag(int who) { return \"v3\"; }")), classes);
            String after = child.await("seen=[v3] alive=8");
            // Reflection lists the method the swap added, and never hotswap's catchers.
            assertThat(after).contains(" reflect=v3 methods=[step, tag] end");
            assertThat(total(after)).isGreaterThan(total(before));
            assertThat(child.output()).doesNotContain("reload failed").doesNotContain("Exception")
                    .doesNotContain("Error");
        }
    }

    private static long total(String line) {
        return Long.parseLong(line.replaceAll(".* total=(\\d+) .*", "$1"));
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads run code while the swap that changes it lands: their first call of the new code may come
 * between the batch's commit and its publication. Each of the engine's call sites must then wait
 * for the publication, never fail for good (a failed {@code invokedynamic} stays failed): here,
 * a body swapped with a call to a constructor the same batch adds, reached by four looping
 * threads, three batches in a row. Regression: the constructor's call site checked its caller
 * before the batch was published ({@code IllegalCallerException}, then every call failed; seen as
 * a Spring controller answering 500 for good).
 */
class PublicationRaceTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.concurrent.atomic.AtomicLong;
            public class Main {
                static final AtomicLong errors = new AtomicLong();
                static volatile String last = "";
                static volatile Throwable first;
                public static void main(String[] args) throws Exception {
                    for (int i = 0; i < 4; i++) {
                        Thread t = new Thread(() -> {
                            while (true) {
                                try {
                                    last = Maker.make();
                                } catch (Throwable e) {
                                    errors.incrementAndGet();
                                    if (first == null) {
                                        first = e;
                                    }
                                }
                            }
                        }, "maker-" + i);
                        t.setDaemon(true);
                        t.start();
                    }
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " last=" + last + " errors=" + errors.get()
                                + (first == null ? "" : " first=" + first) + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String maker(String made) {
        return """
                package app;
                public class Maker {
                    static String make() {
                        return %s.name();
                    }
                }
                """.formatted(made);
    }

    private static String part(int constructors) {
        StringBuilder b = new StringBuilder("""
                package app;
                public class Part {
                    private final String name;
                    public Part(String name) {
                        this.name = name;
                    }
                """);
        for (int i = 2; i <= constructors; i++) {
            StringBuilder params = new StringBuilder("String name");
            for (int p = 1; p < i; p++) {
                params.append(", int a").append(p);
            }
            b.append("    public Part(").append(params).append(") {\n        this.name = name + ").append(i).append(";\n    }\n");
        }
        return b.append("    public String name() {\n        return name;\n    }\n}\n").toString();
    }

    @Test
    void codeReachedBetweenCommitAndPublicationWaitsAndRunsTheNewVersion() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Maker", maker("new Part(\"x\")"));
        all.put("app.Part", part(1));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" last=x errors=0 end");
            for (int version = 2; version <= 4; version++) {
                String args = "\"x\"" + ", 1".repeat(version - 1);
                Javac.compile(classes, Map.of("app.Maker", maker("new Part(" + args + ")"), "app.Part", part(version)), classes);
                String wanted = " last=x" + version + " errors=0 end";
                String line = child.await(child.mark(), l -> l.contains(wanted) || (l.contains(" errors=") && !l.contains(" errors=0 ")),
                        "the new version's answer, or an error");
                assertThat(line).as("no thread may fail while the swap lands").contains(wanted);
            }
            assertThat(child.output()).doesNotContain("internal error");
        }
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stack traces of exceptions thrown in code that a structural swap brought in (scenario 68): the
 * JVM leaves frames of hidden classes out, so hotswap puts them back. The trace reads as after a
 * fresh start: class, method, file and line of every swapped frame, no trace of hidden classes;
 * an exception caught inside the swapped method is left alone.
 */
class StackTraceTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Ledger ledger = new Ledger();
                    for (long tick = 0; ; tick++) {
                        try {
                            System.out.println("tick=" + tick + " " + ledger.total() + " end");
                        } catch (RuntimeException e) {
                            StringBuilder trace = new StringBuilder("trace " + e);
                            for (StackTraceElement element : e.getStackTrace()) {
                                trace.append(" | ").append(element);
                            }
                            System.out.println(trace);
                        }
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String LEDGER_V1 = """
            package app;
            public class Ledger {
                private int entries = 3;
                public String total() {
                    return "total=" + entries;
                }
            }
            """;

    // Lines matter: check(), added, throws on line 11; total() calls it on line 6.
    private static final String LEDGER_V2 = """
            package app;
            public class Ledger {
                private int entries = 3;
                private static int checks;
                public String total() {
                    return "total=" + check(entries) + " " + inner();
                }
                private int check(int n) {
                    checks++;
                    if (n == 3) {
                        throw new IllegalStateException("three entries");
                    }
                    return n;
                }
                private String inner() {
                    try {
                        return String.valueOf(Integer.parseInt("x"));
                    } catch (NumberFormatException e) {
                        return "caught-inside";
                    }
                }
            }
            """;

    @Test
    void framesOfSwappedCodeAreInTheTraceWithTheirLines() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Ledger", LEDGER_V1));
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await("total=3 end");
            Javac.compile(classes, Map.of("app.Ledger", LEDGER_V2), classes);
            String trace = child.await("trace java.lang.IllegalStateException: three entries");
            assertThat(trace).contains(" | app.Ledger.check(Ledger.java:11) | app.Ledger.total(Ledger.java:6)"
                    + " | app.Main.main(Main.java:7)");
            assertThat(trace).doesNotContain("hotswap").doesNotContain("java.lang.invoke");
            // The method catching its own exception is not disturbed: undo the throw, see it run.
            Javac.compile(classes, Map.of("app.Ledger", LEDGER_V2.replace("n == 3", "n == 4")), classes);
            child.await("total=3 caught-inside end");
            List<String> traces = child.linesMatching(l -> l.startsWith("trace ") && !l.contains("three entries"));
            assertThat(traces).isEmpty();
        }
    }
}

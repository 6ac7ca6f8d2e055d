package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changed static initializer runs again for the statics whose initializing code changed: a
 * {@code static final Pattern}'s regex (the class's bodies alone changed), a {@code static final
 * Map}'s constants (with a method added: through the engine). Statics whose code did not change
 * keep their values: a counter keeps counting, a token stays the same object. The readers are hot
 * (compiled, with the static finals folded in) before each swap, and show the new values after.
 * With {@code statics=keep}, the old value stays.
 */
class StaticInitTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    long started = System.nanoTime();
                    for (long tick = 0; ; tick++) {
                        Rules.counter++;
                        String shown = null;
                        int limit = 0;
                        String direct = null;
                        for (int i = 0; i < 100_000; i++) {
                            shown = Rules.show();
                            limit += Rules.limit();
                            direct = direct();
                        }
                        long ms = (System.nanoTime() - started) / 1_000_000;
                        System.out.println("tick=" + tick + " ms=" + ms + " p=" + shown + " limit=" + limit / 100_000
                                + " direct=" + direct + " counter=" + Rules.counter
                                + " token=" + System.identityHashCode(Rules.TOKEN) + " end");
                        Thread.sleep(2);
                    }
                }

                static String direct() {
                    return Rules.P.pattern();
                }
            }
            """;

    private static String rules(String regex, int max, boolean added) {
        return """
                package app;
                import java.util.Map;
                import java.util.regex.Pattern;
                public class Rules {
                    static final Pattern P = Pattern.compile("%s");
                    static final Map<String, Integer> LIMITS = Map.of("max", %d);
                    static int counter;
                    static final Object TOKEN = new Object();
                    static String show() {
                        return P.pattern();
                    }
                    static int limit() {
                        return LIMITS.get("max");
                    }
                    %s
                }
                """.formatted(regex, max, added ? "static int added() { return 1; }" : "");
    }

    /** Waits until the program ran hot for a while, then returns its last line. */
    private static String hot(ChildJvm child) {
        return child.await(0, l -> l.startsWith("tick=") && ms(l) >= 2_000, "a tick after 2 s");
    }

    private static long ms(String line) {
        return Long.parseLong(line.replaceAll(".* ms=(\\d+) .*", "$1"));
    }

    private static String value(String line, String key) {
        return line.replaceAll(".* " + key + "=(\\S+) .*", "$1");
    }

    @Test
    void changedInitializersRunAgainForTheirStaticsOnly() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Rules", rules("a+", 10, false)));
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            String before = hot(child);
            assertThat(before).contains(" p=a+ limit=10 direct=a+ ");
            String token = value(before, "token");
            long counter = Long.parseLong(value(before, "counter"));

            // (a) the bodies alone changed: P's regex.
            int mark = child.mark();
            Javac.compile(classes, Map.of("app.Rules", rules("b+", 10, false)), classes);
            assertThat(child.awaitAfter(mark, "hotswap: reloaded")).endsWith(": app.Rules (static initializer re-run for P)");
            String after = child.awaitAfter(child.mark(), " p=b+ ");
            assertThat(after).contains(" p=b+ limit=10 direct=b+ ");
            assertThat(value(after, "token")).as("TOKEN is the same object").isEqualTo(token);
            assertThat(Long.parseLong(value(after, "counter"))).as("the counter kept counting").isGreaterThan(counter);

            // (b) structural: a method added, LIMITS changed; the readers hot again first.
            child.await(child.mark(), l -> l.startsWith("tick=") && ms(l) >= ms(after) + 1_500, "1.5 s more of ticks");
            mark = child.mark();
            Javac.compile(classes, Map.of("app.Rules", rules("b+", 20, true)), classes);
            assertThat(child.awaitAfter(mark, "hotswap: reloaded")).endsWith(": app.Rules (static initializer re-run for LIMITS)");
            String last = child.awaitAfter(child.mark(), " limit=20 ");
            assertThat(last).contains(" p=b+ limit=20 direct=b+ ");
            assertThat(value(last, "token")).isEqualTo(token);
            assertThat(Long.parseLong(value(last, "counter"))).isGreaterThan(Long.parseLong(value(after, "counter")));
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }

    @Test
    void withStaticsKeepTheOldValueStays() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Rules", rules("a+", 10, false)));
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=150ms,statics=keep", classes, "app.Main")) {
            child.await(" p=a+ limit=10 ");
            int mark = child.mark();
            Javac.compile(classes, Map.of("app.Rules", rules("b+", 10, false)), classes);
            assertThat(child.awaitAfter(mark, "hotswap: reloaded")).endsWith(": app.Rules");
            child.awaitMore(20, "tick=");
            String after = child.awaitAfter(child.mark(), "tick=");
            assertThat(after).contains(" p=a+ limit=10 direct=a+ ");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed");
        }
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A field's modifiers changed: {@code final} dropped and the field written by new code,
 * {@code private} widened and the field read from another class, {@code transient} added (and
 * the class made {@code final}, which changes nothing that runs). The
 * field stays the object's own (its value is kept); what its loaded modifiers forbid goes through
 * the engine. {@code volatile} added cannot be honoured by the loaded field: refused by name.
 */
class FieldModifiersTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Counter counter = new Counter(10);
                    for (long tick = 0; ; tick++) {
                        counter.hit();
                        System.out.println("tick=" + tick + " " + Probe.look(counter) + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String COUNTER_V1 = """
            package app;
            public class Counter {
                private final int base;
                private int hits;
                private String tag = "kept";
                Counter(int base) { this.base = base; }
                void hit() { hits++; }
                String show() { return base + " " + tag; }
            }
            """;

    private static final String PROBE_V1 = """
            package app;
            public class Probe {
                static String look(Counter c) { return "v1 " + c.show(); }
            }
            """;

    private static String counterV2(String hitsModifiers) {
        return """
                package app;
                public final class Counter {
                    int base;
                    %s int hits;
                    private transient String tag = "new";
                    Counter(int base) { this.base = base; }
                    void hit() { hits++; base = 100; }
                    String show() { return base + " " + tag; }
                }
                """.formatted(hitsModifiers);
    }

    private static final String PROBE_V2 = """
            package app;
            public class Probe {
                static String look(Counter c) { return "v2 base=" + c.base + " hits>3=" + (c.hits > 3) + " " + c.show(); }
            }
            """;

    @Test
    void modifiersChangedKeepTheFieldAndItsValue() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Counter", COUNTER_V1, "app.Probe", PROBE_V1));
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.awaitMore(5, "tick=");
            child.await(" v1 10 kept end");
            Javac.compile(classes, Map.of("app.Counter", counterV2("public"), "app.Probe", PROBE_V2), classes);
            // The formerly final field written by new code, the formerly private one read from Probe:
            // both the object's own fields, values kept (hits went on, tag is not re-initialized).
            child.await(" v2 base=100 hits>3=true 100 kept end");
            Javac.compile(classes, Map.of("app.Counter", counterV2("public volatile")), classes);
            String refusal = child.await("hotswap: not reloaded app.Counter:");
            assertThat(refusal).contains("field hits modifiers changed from 'private' to 'public volatile'")
                    .contains("a volatile modifier added to a field");
            int mark = child.mark();
            child.awaitAfter(mark, " v2 base=100 hits>3=true 100 kept end");
            assertThat(child.output()).doesNotContain("IllegalAccessError").doesNotContain("reload failed");
        }
    }

    private static final String BOX_MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Box first = new Box();
                    Box second = new Box();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + first.bump() + " " + second.bump() + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String box(String field, String text) {
        return """
                package app;
                public class Box {
                    %s;
                    String bump() { j++; return %s; }
                }
                """.formatted(field, text);
    }

    /** Scenario 24: a field made static is another field (its initializer runs); made instance again, a new one at 0. */
    @Test
    void aFieldMadeStaticAndBackIsAnotherField() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", BOX_MAIN, "app.Box", box("int j = 4", "\"v1\"")));
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.awaitMore(6, "tick=");
            Javac.compile(classes, Map.of("app.Box", box("static int j = 400", "\"v2 shared=\" + (j > 400)")), classes);
            // One static for both objects: each bump adds to the same value.
            child.await(" v2 shared=true v2 shared=true end");
            Javac.compile(classes, Map.of("app.Box", box("int j = 4", "\"v3 j=\" + j")), classes);
            // Instance again: a new field (scenario 20, as DCEVM's), at 0 for the objects made before,
            // each its own; not the value the loaded field kept (v1 bumped it past 9).
            String line = child.await(0, l -> l.matches(".* v3 j=\\d+ v3 j=\\d+ end"), "a line with both objects in v3");
            java.util.regex.Matcher values = java.util.regex.Pattern.compile(" v3 j=(\\d+) v3 j=(\\d+) end").matcher(line);
            assertThat(values.find()).isTrue();
            // The loaded field held 4 + 6 bumps at least; the new one counts from 0.
            assertThat(Integer.parseInt(values.group(1))).isLessThan(10);
            assertThat(Integer.parseInt(values.group(2))).isLessThan(10);
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("Error");
        }
    }
}

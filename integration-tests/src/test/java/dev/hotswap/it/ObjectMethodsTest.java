package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code toString()}, {@code equals} and {@code hashCode} added where a class had none, at
 * different levels of a hierarchy, then removed (scenario 17): the JDK's own calls
 * ({@code String.valueOf}, {@code HashSet}) reach them, on objects made before the swaps too;
 * an enum gains a {@code toString()}.
 */
class ObjectMethodsTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.HashSet;
            import java.util.Set;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Base base = new Base(1);
                    Mid mid = new Mid(2);
                    Leaf leaf = new Leaf(3);
                    for (long tick = 0; ; tick++) {
                        Set<Base> set = new HashSet<>();
                        set.add(new Leaf(7));
                        System.out.println("tick=" + tick + " " + show(base) + " " + show(mid) + " " + show(leaf)
                                + " has=" + set.contains(new Leaf(7)) + " " + Level.HIGH + " end");
                        Thread.sleep(20);
                    }
                }
                static String show(Object o) {
                    String s = String.valueOf(o);
                    return s.contains("@") ? "plain" : s;
                }
            }
            """;

    private static final String BASE = """
            package app;
            public class Base { final int v; Base(int v) { this.v = v; } %s }
            """;

    private static final String MID = """
            package app;
            public class Mid extends Base { Mid(int v) { super(v); } %s }
            """;

    private static final String LEAF = """
            package app;
            public class Leaf extends Mid { Leaf(int v) { super(v); } }
            """;

    private static final String LEVEL = """
            package app;
            public enum Level { LOW, HIGH; %s }
            """;

    @Test
    void objectMethodsAddedAndRemovedAtEveryLevel() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Base", BASE.formatted(""));
        all.put("app.Mid", MID.formatted(""));
        all.put("app.Leaf", LEAF);
        all.put("app.Level", LEVEL.formatted(""));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" plain plain plain has=false HIGH end");
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Mid", MID.formatted("""
                    public String toString() { return "Mid" + v; }
                    public boolean equals(Object o) { return o instanceof Mid m && m.v == v; }
                    public int hashCode() { return v; }
                    """));
            v2.put("app.Level", LEVEL.formatted("public String toString() { return name().toLowerCase(); }"));
            Javac.compile(classes, v2, classes);
            child.await(" plain Mid2 Mid3 has=true high end");
            Map<String, String> v3 = new LinkedHashMap<>();
            v3.put("app.Base", BASE.formatted("public String toString() { return \"Base\" + v; }"));
            v3.put("app.Mid", MID.formatted(""));
            Javac.compile(classes, v3, classes);
            child.await(" Base1 Base2 Base3 has=false high end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

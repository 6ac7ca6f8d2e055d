package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Constructors added (delegating with {@code this(...)}, called from another class, and called
 * with {@code super(...)} from a subclass's added constructor), then one removed and another
 * changed; the object made before the swaps keeps its fields.
 */
class ConstructorTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Point p = new Point(1, 2);
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " old=" + p + " made=" + Factory.make() + " sub=" + Sub.make()
                                + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String POINT_V1 = """
            package app;
            public class Point {
                final int x;
                final int y;
                String label = "p";
                public Point(int x, int y) { this.x = x; this.y = y; }
                public String toString() { return label + "(" + x + "," + y + ")"; }
            }
            """;

    private static final String POINT_V2 = """
            package app;
            public class Point {
                final int x;
                final int y;
                String label = "p";
                long created = 42;
                public Point(int x, int y) { this.x = x; this.y = y; }
                public Point(int both) { this(both, both); label = "same"; }
                Point(String text) {
                    this(Integer.parseInt(text.split(",")[0]), Integer.parseInt(text.split(",")[1]));
                    label = "text" + created;
                }
                public String toString() { return label + "[" + x + "," + y + "]"; }
            }
            """;

    private static final String POINT_V3 = """
            package app;
            public class Point {
                final int x;
                final int y;
                String label = "p";
                long created = 42;
                public Point(int x, int y) { this.x = x * 10; this.y = y * 10; label = "big"; }
                Point(String text, long extra) {
                    this(Integer.parseInt(text), (int) extra);
                    label = "two";
                }
                public String toString() { return label + "<" + x + "," + y + ">"; }
            }
            """;

    private static String factory(String body) {
        return """
                package app;
                public class Factory {
                    static String make() { return %s; }
                }
                """.formatted(body);
    }

    private static String sub(String constructors, String make) {
        return """
                package app;
                public class Sub extends Point {
                    %s
                    static String make() { return %s; }
                }
                """.formatted(constructors, make);
    }

    @Test
    void constructorsComeAndGoAndNewReachesThem() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Point", POINT_V1);
        all.put("app.Factory", factory("new Point(3, 4).toString()"));
        all.put("app.Sub", sub("Sub() { super(0, 0); }", "new Sub().toString()"));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await("old=p(1,2) made=p(3,4) sub=p(0,0) end");
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Point", POINT_V2);
            v2.put("app.Factory", factory("new Point(7) + \"|\" + new Point(\"5,6\")"));
            v2.put("app.Sub", sub("Sub() { super(0, 0); } Sub(int v) { super(v); label += \"-sub\"; }",
                    "new Sub(9).toString() + new Sub()"));
            Javac.compile(classes, v2, classes);
            child.await("old=p[1,2] made=same[7,7]|text42[5,6] sub=same-sub[9,9]p[0,0] end");
            Map<String, String> v3 = new LinkedHashMap<>();
            v3.put("app.Point", POINT_V3);
            v3.put("app.Factory", factory("new Point(\"3\", 4L) + \"|\" + new Point(1, 2)"));
            v3.put("app.Sub", sub("Sub() { super(0, 0); }", "new Sub().toString()"));
            Javac.compile(classes, v3, classes);
            child.await("old=p<1,2> made=two<30,40>|big<10,20> sub=big<0,0> end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

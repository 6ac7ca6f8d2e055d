package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structural changes to methods, against a child JVM: added, removed, renamed, signatures and
 * modifiers changed, lambdas added and renumbered, overrides added and removed, super calls.
 * Objects created before the swap keep identity and state; stale callers get NoSuchMethodError.
 */
class StructuralTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    %s
                    Shape shape = new Shape(3);
                    Base base = new Sub();
                    java.util.function.Supplier<String> lambda = shape.lambda();
                    for (long tick = 0; ; tick++) {
                        String stale;
                        try {
                            stale = Stale.call(shape);
                        } catch (NoSuchMethodError e) {
                            stale = "NoSuchMethodError";
                        }
                        System.out.println("tick=" + tick + " " + Shape.describe(shape) + " who=" + base.who()
                                + " lambda=" + lambda.get() + " stale=" + stale + " count=" + shape.count
                                + " id=" + System.identityHashCode(shape));
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String STALE = """
            package app;
            public class Stale {
                static String call(Shape s) { return "area" + s.area(); }
            }
            """;

    private static final String BASE = """
            package app;
            public class Base {
                public String who() { return "base"; }
            }
            """;

    private static final String SHAPE_V1 = """
            package app;
            import java.util.function.Supplier;
            public class Shape {
                int count;
                private final int size;
                public Shape(int size) { this.size = size; }
                public static String describe(Shape s) { s.count++; return "v1 area=" + s.area() + " lock=" + s.locked(); }
                int area() { return size * size; }
                boolean locked() { return Thread.holdsLock(this); }
                Supplier<String> lambda() { return () -> "L1-" + size; }
            }
            """;

    private static final String SUB_V1 = """
            package app;
            public class Sub extends Base {
            }
            """;

    /** Methods added (instance, static, private), a signature changed, synchronized added, lambdas added. */
    private static final String SHAPE_V2 = """
            package app;
            import java.util.function.Supplier;
            public class Shape {
                int count;
                private final int size;
                public Shape(int size) { this.size = size; }
                public static String describe(Shape s) {
                    s.count++;
                    return "v2 area=" + s.area(2) + " perimeter=" + s.perimeter() + " " + label() + " " + s.twice()
                            + " lock=" + s.locked();
                }
                int area(int factor) { return size * size * factor; }
                int perimeter() { return 4 * size; }
                static String label() { return "square"; }
                private String twice() { Supplier<String> f = () -> "x" + size; return f.get() + f.get(); }
                synchronized boolean locked() { return Thread.holdsLock(this); }
                Supplier<String> lambda() { return () -> "L2-" + size; }
                @dev.hotswap.OnReload
                static void reloaded() { System.out.println("on-reload hook added in v2: " + label()); }
            }
            """;

    /** An override added, calling super. */
    private static final String SUB_V2 = """
            package app;
            public class Sub extends Base {
                @Override
                public String who() { return "sub+" + super.who(); }
            }
            """;

    /**
     * perimeter renamed to edges, private twice() renamed to doubled(), a private static helper,
     * a lambda inserted before the old one, a lambda whose captured variables changed.
     */
    private static final String SHAPE_V3 = """
            package app;
            import java.util.function.Supplier;
            public class Shape {
                int count;
                private final int size;
                public Shape(int size) { this.size = size; }
                public static String describe(Shape s) {
                    Supplier<String> first = () -> "inserted";
                    s.count++;
                    return "v3 edges=" + s.edges() + " " + first.get() + " " + helper(s.size) + " " + s.doubled()
                            + " lock=" + s.locked();
                }
                int edges() { return 4 * size; }
                private String doubled() { Supplier<String> f = () -> "y" + size; return f.get() + f.get(); }
                private static int helper(int x) { return x + 100; }
                boolean locked() { return Thread.holdsLock(this); }
                Supplier<String> lambda() { int captured = size; return () -> "L3-" + captured; }
            }
            """;

    private Map<String, String> sources(String shape, String sub) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("app.Shape", shape);
        sources.put("app.Sub", sub);
        return sources;
    }

    private Path start(App.Start start) throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN.formatted(start.code));
        all.put("app.Stale", STALE);
        all.put("app.Base", BASE);
        all.putAll(sources(SHAPE_V1, SUB_V1));
        Javac.compile(classes, all);
        return classes;
    }

    @Test
    void methodsAddedRemovedRenamedAndChangedWithStateKept() throws Exception {
        Path classes = start(App.Start.NONE);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            String before = child.await("v1 area=9 lock=false who=base lambda=L1-3 stale=area9");
            String id = before.substring(before.indexOf(" id="));

            // Only Shape and Sub are recompiled (as an IDE does): Stale still calls area().
            Javac.compile(classes, sources(SHAPE_V2, SUB_V2), classes);
            assertThat(child.await("hotswap: reloaded")).contains("app.Shape").contains("app.Sub");
            // A tick may have called Stale before the swap landed and printed Shape after it: the next one must not.
            String after = child.await(0, l -> l.contains("v2 area=18 perimeter=12 square x3x3 lock=true who=sub+base")
                    && l.contains(" stale=NoSuchMethodError "), "a v2 line whose stale call failed");
            child.await("on-reload hook added in v2: square");
            // The lambda object made before: its own new body (JDK 25 calls it by name) or the body
            // it had (JDK 17 calls private lambda bodies through a method handle), never another.
            assertThat(after).containsPattern("lambda=L[12]-3 ").contains("stale=NoSuchMethodError").endsWith(id);
            assertThat(App.count(after)).isGreaterThan(App.count(before));

            int mark = child.mark();
            Javac.compile(classes, sources(SHAPE_V3, SUB_V1), classes);
            String v3 = child.awaitAfter(mark, "v3 edges=12 inserted 103 y3y3 lock=false who=base");
            assertThat(v3).containsPattern("lambda=L[123]-3 ").endsWith(id);
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed");
        }
    }

    @Test
    void structuralChangesInLibraryMode() throws Exception {
        Path classes = start(App.Start.LIBRARY);
        try (ChildJvm child = ChildJvm.start(dir, List.of("-Dhotswap.quiet=150ms",
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"))) {
            child.await("v1 area=9");
            Javac.compile(classes, sources(SHAPE_V2, SUB_V2), classes);
            child.await("v2 area=18 perimeter=12 square x3x3 lock=true who=sub+base");
        }
    }

    @Test
    void unsupportedChangeIsRefusedByName() throws Exception {
        Path classes = start(App.Start.NONE);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await("v1 area=9");
            Javac.compile(classes, sources(SHAPE_V1.replace("public class Shape {",
                    "public class Shape implements java.io.Serializable {"), SUB_V1), classes);
            assertThat(child.await("hotswap: not reloaded app.Shape:")).contains("implemented interfaces changed")
                    .contains("still running the previous version");
            int mark = child.mark();
            child.awaitAfter(mark, "v1 area=9");
            // A field's modifiers cannot change in a running JVM.
            Javac.compile(classes, sources(SHAPE_V1.replace("int count;", "volatile int count;"), SUB_V1), classes);
            assertThat(child.awaitAfter(mark, "hotswap: not reloaded app.Shape:")).contains("count");
            mark = child.mark();
            child.awaitAfter(mark, "v1 area=9");
            Javac.compile(classes, sources(SHAPE_V2, SUB_V2), classes);
            child.awaitAfter(mark, "v2 area=18");
        }
    }
}

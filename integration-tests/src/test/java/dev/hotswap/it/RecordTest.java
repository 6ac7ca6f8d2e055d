package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A record changes its components while objects made before the swap live on: one is added, one
 * re-typed (an old object reads it as 0, as any re-typed field), then one removed and the rest reordered. Its canonical constructor, accessors,
 * {@code toString}, {@code equals} and {@code hashCode} follow; an old object reads an added
 * component as null; {@code getRecordComponents()} answers the newest shape, so that Jackson 2
 * and 3 (a mapper made at start-up) write and read the new shape.
 */
class RecordTest {
    @TempDir
    Path dir;

    private static String main(JacksonTest.Jackson jackson) {
        return """
                package app;
                import %s;
                public class Main {
                    static final ObjectMapper MAPPER = new ObjectMapper();
                    public static void main(String[] args) throws Exception {
                        Object old = Report.make();
                        for (long tick = 0; ; tick++) {
                            System.out.println("tick=" + tick + " " + Report.line(old, MAPPER) + " end");
                            Thread.sleep(25);
                        }
                    }
                }
                """.formatted(jackson.mapper);
    }

    private static final String POINT_V1 = """
            package app;
            public record Point(int x, int y) {
            }
            """;

    private static final String REPORT_V1 = """
            package app;
            import java.util.Arrays;
            import java.util.stream.Collectors;
            public class Report {
                static Object make() { return new Point(1, 2); }
                static String line(Object o, Object mapper) {
                    Point old = (Point) o;
                    Point fresh = new Point(1, 2);
                    return "v1 old=" + old + " x=" + old.x() + " eq=" + old.equals(fresh) + " hash=" + (old.hashCode() == fresh.hashCode())
                            + " components=" + components() + " json=" + Json.write(mapper, fresh)
                            + " read=" + Json.read(mapper, "{\\"x\\":5,\\"y\\":6}");
                }
                static String components() {
                    return Arrays.stream(Point.class.getRecordComponents()).map(c -> c.getType().getSimpleName() + " " + c.getName()
                            + "/" + c.getAccessor().getName()).collect(Collectors.joining(","));
                }
            }
            """;

    private static final String POINT_V2 = """
            package app;
            public record Point(int x, long y, String label) {
                public Point {
                    label = label == null ? "none" : label;
                }
                public Point(int x, long y) {
                    this(x, y, "two");
                }
                String shown() { return label + "@" + x + "," + y; }
            }
            """;

    private static final String REPORT_V2 = """
            package app;
            import java.util.Arrays;
            import java.util.stream.Collectors;
            public class Report {
                static Object make() { return new Point(1, 2, "made"); }
                static String line(Object o, Object mapper) {
                    Point old = (Point) o;
                    Point fresh = new Point(3, 4);
                    Point same = new Point(3, 4, "two");
                    return "v2 old=" + old + " label=" + old.label() + " fresh=" + fresh + " shown=" + fresh.shown()
                            + " eq=" + fresh.equals(same) + " ne=" + !fresh.equals(new Point(3, 4, "x"))
                            + " hash=" + (fresh.hashCode() == same.hashCode())
                            + " components=" + components() + " json=" + Json.write(mapper, fresh)
                            + " read=" + Json.read(mapper, "{\\"x\\":5,\\"y\\":6,\\"label\\":\\"r\\"}");
                }
                static String components() {
                    return Arrays.stream(Point.class.getRecordComponents()).map(c -> c.getType().getSimpleName() + " " + c.getName()
                            + "/" + c.getAccessor().getName()).collect(Collectors.joining(","));
                }
            }
            """;

    private static final String POINT_V3 = """
            package app;
            public record Point(String label, int x) {
            }
            """;

    private static final String REPORT_V3 = """
            package app;
            import java.util.Arrays;
            import java.util.stream.Collectors;
            public class Report {
                static Object make() { return new Point("made", 1); }
                static String line(Object o, Object mapper) {
                    Point old = (Point) o;
                    Point fresh = new Point("f", 7);
                    return "v3 old=" + old + " fresh=" + fresh + " eq=" + fresh.equals(new Point("f", 7))
                            + " components=" + components() + " json=" + Json.write(mapper, fresh)
                            + " read=" + Json.read(mapper, "{\\"label\\":\\"r\\",\\"x\\":8}");
                }
                static String components() {
                    return Arrays.stream(Point.class.getRecordComponents()).map(c -> c.getType().getSimpleName() + " " + c.getName()
                            + "/" + c.getAccessor().getName()).collect(Collectors.joining(","));
                }
            }
            """;

    private static String json(JacksonTest.Jackson jackson) {
        return """
                package app;
                import %s;
                class Json {
                    static String write(Object mapper, Object value) {
                        try {
                            return ((ObjectMapper) mapper).writeValueAsString(value);
                        } catch (Exception | LinkageError e) {
                            return e.toString();
                        }
                    }
                    static String read(Object mapper, String json) {
                        try {
                            return String.valueOf(((ObjectMapper) mapper).readValue(json, Point.class));
                        } catch (Exception | LinkageError e) {
                            return e.toString();
                        }
                    }
                }
                """.formatted(jackson.mapper);
    }

    @ParameterizedTest
    @EnumSource(value = JacksonTest.Jackson.class, names = {"TWO", "THREE"})
    void aRecordGainsRetypesDropsAndReordersComponents(JacksonTest.Jackson jackson) throws Exception {
        List<Path> jars = jackson.jars();
        Path classes = dir.resolve("classes");
        Map<String, String> app = new LinkedHashMap<>();
        app.put("app.Main", main(jackson));
        app.put("app.Json", json(jackson));
        app.put("app.Point", POINT_V1);
        app.put("app.Report", REPORT_V1);
        Path[] classPath = jars.toArray(Path[]::new);
        Javac.compile(classes, app, classPath);
        String cp = classes + File.pathSeparator + jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                "-cp", cp, "app.Main"))) {
            child.await(0, l -> l.contains(" v1 old=Point[x=1, y=2] x=1 eq=true hash=true components=int x/x,int y/y"
                    + " json={\"x\":1,\"y\":2} read=Point[x=5, y=6] end"), "v1");

            Javac.compile(classes, Map.of("app.Point", POINT_V2, "app.Report", REPORT_V2), withClasses(classes, classPath));
            child.awaitAfter(child.mark(), " v2 old=Point[x=1, y=0, label=null] label=null fresh=Point[x=3, y=4, label=two]"
                    + " shown=two@3,4 eq=true ne=true hash=true components=int x/x,long y/y,String label/label"
                    + " json={\"x\":3,\"y\":4,\"label\":\"two\"} read=Point[x=5, y=6, label=r] end");

            Javac.compile(classes, Map.of("app.Point", POINT_V3, "app.Report", REPORT_V3), withClasses(classes, classPath));
            child.awaitAfter(child.mark(), " v3 old=Point[label=null, x=1] fresh=Point[label=f, x=7] eq=true"
                    + " components=String label/label,int x/x json={\"label\":\"f\",\"x\":7} read=Point[label=r, x=8] end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("internal error").doesNotContain("\tat ");
        }
    }

    private static Path[] withClasses(Path classes, Path[] jars) {
        Path[] all = new Path[jars.length + 1];
        all[0] = classes;
        System.arraycopy(jars, 0, all, 1, jars.length);
        return all;
    }
}

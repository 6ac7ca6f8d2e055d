package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build that changes the bodies of many classes the engine already holds: their versions take
 * the new bodies in place, in one redefinition, and a new version is made every few such swaps.
 * Across eighteen builds each object made at start keeps serving, a lambda made before the first swap runs its
 * newest body, and a build that reorders two lambdas in every class leaves each lambda object
 * running its own body.
 */
class BuildOfManyClassesTest {
    private static final int CLASSES = 24;
    private static final int REORDERED = 9;
    private static final int BUILDS = REORDERED + 10;

    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.ArrayList;
            import java.util.List;
            public class Main {
                public static void main(String[] args) throws Exception {
                    List<Part> parts = new ArrayList<>();
                    %s
                    for (long tick = 0; ; tick++) {
                        StringBuilder line = new StringBuilder("tick=" + tick);
                        for (Part p : parts) {
                            line.append(' ').append(p.show());
                        }
                        System.out.println(line.append(" end where=").append(P0.where()));
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String part(int i, int version, boolean reordered) {
        String a = "private final java.util.function.Supplier<String> a = () -> \"a%d\";".formatted(version);
        String b = "private final java.util.function.Supplier<String> b = () -> \"b" + i + "\";";
        return """
                package app;
                public class P%d implements Part {
                    private int count;
                    %s
                    %s
                    public String show() { count++; return "v%d:" + a.get() + ":" + b.get() + ":" + (count > 0); }
                    static int twice(int x) { return x * 2 + %d; }
                    /** The class this code runs in: the class as loaded, then a version of the engine's. */
                    static int where() {
                        return System.identityHashCode(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                                .walk(frames -> frames.findFirst().orElseThrow().getDeclaringClass()));
                    }
                }
                """.formatted(i, reordered ? b : a, reordered ? a : b, version, version);
    }

    private Map<String, String> build(int version, boolean reordered) {
        Map<String, String> sources = new LinkedHashMap<>();
        StringBuilder make = new StringBuilder();
        for (int i = 0; i < CLASSES; i++) {
            sources.put("app.P" + i, part(i, version, reordered));
            make.append("parts.add(new P").append(i).append("());\n");
        }
        sources.put("app.Part", "package app; public interface Part { String show(); }");
        sources.put("app.Main", MAIN.formatted(make));
        return sources;
    }

    private static String expected(int version) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < CLASSES; i++) {
            line.append(' ').append("v").append(version).append(":a").append(version).append(":b").append(i).append(":true");
        }
        return line.append(" end where=").toString();
    }

    @Test
    void eighteenBuildsOfTwentyFourClassesGoInWithLambdasKept() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, build(1, false));
        // Each build must go in as one batch: which version runs is what this test reads. javac on a loaded
        // machine can pause between two class files for longer than 150 ms, and a part written alone went in
        // by itself (a new version of that class), so a whole second of quiet ends a build here.
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=1s", classes, "app.Main")) {
            child.await(expected(1));
            Map<Integer, String> where = new LinkedHashMap<>();
            for (int version = 2; version <= BUILDS; version++) {
                int mark = child.mark();
                Javac.compile(classes, build(version, version >= REORDERED));
                String line = child.awaitAfter(mark, expected(version));
                where.put(version, line.substring(line.indexOf(" where=")));
            }
            // Builds 2 and 3 redefine the classes; 4 makes the engine's first versions; the next
            // builds redefine those versions in place, until a reorder of lambdas (REORDERED) or
            // InPlace.SWAPS such builds make new ones.
            for (int version = 5; version < REORDERED; version++) {
                assertThat(where.get(version)).as("build %d runs in the version of build 4", version).isEqualTo(where.get(4));
            }
            assertThat(where.get(REORDERED)).as("lambdas reordered: a new version").isNotEqualTo(where.get(REORDERED - 1));
            for (int version = REORDERED + 1; version <= REORDERED + 8; version++) {
                assertThat(where.get(version)).as("build %d", version).isEqualTo(where.get(REORDERED));
            }
            assertThat(where.get(REORDERED + 9)).as("after 8 builds in place: a new version")
                    .isNotEqualTo(where.get(REORDERED + 8));
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("internal error")
                    .doesNotContain("Exception");
            // Every tick after the first build shows each object's own lambdas: never another's body.
            assertThat(child.linesMatching(l -> l.startsWith("tick=") && l.matches(".* v\\d+:b.*|.*:a\\d+:a\\d+.*"))).isEmpty();
        }
    }
}

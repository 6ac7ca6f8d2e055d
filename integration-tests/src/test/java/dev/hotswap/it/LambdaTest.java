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
 * Lambda objects created before a swap never run another lambda's body (scenario H.46), and do
 * run their own new body when it changed in place (H.45), also once the class went structural.
 */
class LambdaTest {
    @TempDir
    Path dir;

    private static Map<String, String> sources(String first, String second) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("app.Main", """
                package app;
                import java.util.function.Supplier;
                public class Main {
                    public static void main(String[] args) throws Exception {
                        Supplier<String>[] made = Lambdas.make();
                        while (true) {
                            System.out.println("tick a=" + made[0].get() + " b=" + made[1].get());
                            Thread.sleep(20);
                        }
                    }
                }
                """);
        sources.put("app.Lambdas", """
                package app;
                import java.util.function.Supplier;
                public class Lambdas {
                    @SuppressWarnings("unchecked")
                    public static Supplier<String>[] make() {
                        %s
                        %s
                        return new Supplier[] {a, b};
                    }
                }
                """.formatted(first, second));
        return sources;
    }

    @Test
    void reorderedLambdasKeepTheirOwnBodies() throws Exception {
        String a = "Supplier<String> a = () -> \"A1\";";
        String b = "Supplier<String> b = () -> \"B1\";";
        Path classes = dir.resolve("classes");
        Javac.compile(classes, sources(a, b));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar(),
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"))) {
            child.await("a=A1 b=B1");
            Javac.compile(classes, sources(b, a)); // javac now numbers b's lambda first
            assertThat(child.await("hotswap: reloaded")).endsWith("app.Lambdas");
            int mark = child.mark();
            child.awaitMore(10, "tick");
            assertThat(child.linesMatching(l -> l.startsWith("tick"))).last().asString().endsWith("a=A1 b=B1");
            Javac.compile(classes, sources(a.replace("A1", "A3"), b)); // a body changed in place
            child.awaitAfter(mark, "a=A3 b=B1");
            Javac.compile(classes, sources(b.replace("B1", "B4"), a.replace("A1", "A3"))); // moved and changed
            child.awaitAfter(mark, "hotswap: reloaded");
            child.awaitMore(10, "tick");
            // b's body moved to another name and changed: in make(), a's body is found unchanged, and
            // the one lambda left there is b's, edited: the old object runs its new body.
            assertThat(child.linesMatching(l -> l.startsWith("tick"))).last().asString().endsWith("a=A3 b=B4");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("a=B").doesNotContain("b=A");
        }
    }

    private static String calc(String body) {
        return """
                package app;
                public class Calc {
                    interface Op { int apply(int x); }
                    static int run(int seed) {
                        %s
                    }
                }
                """.formatted(body);
    }

    /** Lambdas in new code for a package-private interface, capturing and not, on every JDK. */
    @Test
    void lambdasInNewCodeForAPackagePrivateInterface() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", """
                package app;
                public class Main {
                    public static void main(String[] args) throws Exception {
                        for (long tick = 0; ; tick++) {
                            System.out.println("tick=" + tick + " calc=" + Calc.run(3) + " end");
                            Thread.sleep(20);
                        }
                    }
                }
                """);
        all.put("app.Calc", calc("return seed;"));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" calc=3 end");
            Javac.compile(classes, Map.of("app.Calc", calc("""
                    int k = 10;
                    Op times = x -> x * k;
                    Op plus = x -> x + 1;
                    return times.apply(plus.apply(seed)) + twice(seed);
                    }
                    static int twice(int x) { Op op = y -> y * 2; return op.apply(x);""")), classes);
            child.await(" calc=46 end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }

    /** v1 makes no lambda and has no extra(); from v2 on, line() makes one (in swapped code) and keeps it. */
    private static String keeper(int version, String body) {
        return """
                package app;
                import java.util.function.IntSupplier;
                public class Keeper {
                    private IntSupplier kept;
                    private int n = 5;
                    String line() {
                        %s
                    }
                    IntSupplier make() {
                        int base = 100;
                        return () -> %s;
                    }
                    %s
                }
                """.formatted(version == 1 ? "return \"v1 kept=none\";" : """
                if (kept == null) {
                            kept = make();
                        }
                        return "v%d kept=" + kept.getAsInt();""".formatted(version), body,
                version == 1 ? "" : "void extra() { }");
    }

    /**
     * A lambda made by a method running as a swapped version (the class went structural) and kept
     * in a field follows its body's later edits, as lambdas made by the class as loaded do.
     */
    @Test
    void aLambdaMadeBySwappedCodeFollowsItsBodysEdits() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", """
                package app;
                public class Main {
                    public static void main(String[] args) throws Exception {
                        Keeper keeper = new Keeper();
                        for (long tick = 0; ; tick++) {
                            System.out.println("tick=" + tick + " " + keeper.line() + " end");
                            Thread.sleep(20);
                        }
                    }
                }
                """);
        // v1 has no extra(): v2 adds it (structural, the class goes under the engine) and makes the lambda first.
        all.put("app.Keeper", keeper(1, "base + n"));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1 kept=");
            Javac.compile(classes, Map.of("app.Keeper", keeper(2, "base + n")), classes);
            child.await(" v2 kept=105 end");
            Javac.compile(classes, Map.of("app.Keeper", keeper(3, "base * n")), classes);
            child.await(" v3 kept=500 end");
            Javac.compile(classes, Map.of("app.Keeper", keeper(4, "base - n")), classes);
            child.await(" v4 kept=95 end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enum constants added (one inserted, one appended) and then removed (scenarios 53 and 54):
 * {@code values()}, {@code valueOf}, {@code EnumSet}, a recompiled {@code switch} and a switch in
 * a class that was not recompiled; the constant held since start-up keeps its identity.
 */
class EnumTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.Arrays;
            import java.util.EnumSet;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Color kept = Color.GREEN;
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " values=" + Arrays.toString(Color.values())
                                + " same=" + (kept == Color.valueOf("GREEN")) + " ordinal=" + kept.ordinal()
                                + " yellow=" + find("YELLOW") + " set=" + EnumSet.allOf(Color.class)
                                + " switch=" + Client.describe() + " legacy=" + Legacy.describe() + " end");
                        Thread.sleep(20);
                    }
                }
                static String find(String name) {
                    try {
                        return Color.valueOf(name).name() + Color.valueOf(name).ordinal();
                    } catch (IllegalArgumentException e) {
                        return "none";
                    }
                }
            }
            """;

    private static String color(String constants) {
        return """
                package app;
                public enum Color {
                    %s;
                    private final String code = name().toLowerCase();
                    String code() { return code; }
                }
                """.formatted(constants);
    }

    private static String client(String cases) {
        return """
                package app;
                public class Client {
                    static String describe() {
                        StringBuilder out = new StringBuilder();
                        for (Color c : Color.values()) {
                            out.append(name(c));
                        }
                        return out.toString();
                    }
                    static String name(Color c) {
                        switch (c) {
                            %s
                            default: return "?";
                        }
                    }
                }
                """.formatted(cases);
    }

    /** Not recompiled after the first build: its switch table was made for the first Color. */
    private static final String LEGACY = """
            package app;
            public class Legacy {
                static String describe() {
                    StringBuilder out = new StringBuilder();
                    for (Color c : Color.values()) {
                        switch (c) {
                            case RED: out.append("R"); break;
                            case GREEN: out.append("G"); break;
                            default: out.append("-");
                        }
                    }
                    return out.toString();
                }
            }
            """;

    /**
     * In both shapes of versions (named, the default; hidden), and under a debugger agent, where
     * body-only changes go through the engine too, as a class's third body swap goes without one:
     * the switch table holder {@code Client$1} is then a version, and its tables must come from its
     * newest code.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hidden", "named", "debugged"})
    void constantsAddedAndRemovedKeepIdentityAndEverySwitchRight(String shape) throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Color", color("RED, GREEN"));
        all.put("app.Client", client("case RED: return \"r\"; case GREEN: return \"g\";"));
        all.put("app.Legacy", LEGACY);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.start(dir, List.of(shape.equals("debugged")
                        ? "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0"
                        : "-Dhotswap.versions=" + shape,
                "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                "-cp", classes + java.io.File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"))) {
            child.await("values=[RED, GREEN] same=true ordinal=1 yellow=none set=[RED, GREEN] switch=rg legacy=RG end");
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Color", color("RED, YELLOW, GREEN, BLUE"));
            v2.put("app.Client", client("case RED: return \"r\"; case YELLOW: return \"y\"; case GREEN: return \"g\";"
                    + " case BLUE: return \"b\";"));
            Javac.compile(classes, v2, classes);
            child.await("values=[RED, YELLOW, GREEN, BLUE] same=true ordinal=2 yellow=YELLOW1"
                    + " set=[RED, YELLOW, GREEN, BLUE] switch=rygb legacy=R-G- end");
            Javac.compile(classes, Map.of("app.Color", color("GREEN, BLUE, RED")), classes);
            child.await("values=[GREEN, BLUE, RED] same=true ordinal=0 yellow=none set=[GREEN, BLUE, RED] switch=gbr"
                    + " legacy=G-R end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

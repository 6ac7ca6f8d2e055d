package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jackson 2 and Jackson 3, from their own jars, never recompiled: after a property (field,
 * getter, setter) is added to a class and another removed, a mapper made at start-up (whose
 * caches had the class as it was) and one made after the swap both write the added property
 * and read it back; the removed one is gone.
 */
class JacksonTest {
    @TempDir
    Path dir;

    enum Jackson {
        TWO("com.fasterxml.jackson.databind.ObjectMapper", "throws Exception"),
        /** Before 2.19 mappers had no clearCaches(): the follower empties their caches itself. */
        TWO_BEFORE_2_19("com.fasterxml.jackson.databind.ObjectMapper", "throws Exception"),
        THREE("tools.jackson.databind.ObjectMapper", "");

        final String mapper;
        final String throwsClause;

        Jackson(String mapper, String throwsClause) {
            this.mapper = mapper;
            this.throwsClause = throwsClause;
        }

        List<Path> jars() throws IOException {
            if (this == TWO) {
                return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(p -> p.contains("jackson-core-2") || p.contains("jackson-databind-2")
                                || p.contains("jackson-annotations-2"))
                        .map(Path::of).toList();
            }
            String folder = this == THREE ? "jackson3Jars" : "jackson2OldJars";
            try (Stream<Path> jars = Files.list(Path.of(System.getProperty(folder)))) {
                return jars.sorted().toList();
            }
        }
    }

    private static String main(Jackson jackson) {
        return """
                package app;
                import %s;
                public class Main {
                    static final ObjectMapper SHARED = new ObjectMapper();
                    public static void main(String[] args) %s {
                        for (long tick = 0; ; tick++) {
                            System.out.println("tick=" + tick + " shared " + roundTrip(SHARED) + " fresh "
                                    + roundTrip(new ObjectMapper()) + " end");
                            Thread.sleep(25);
                        }
                    }
                    static String roundTrip(ObjectMapper mapper) {
                        String written;
                        try {
                            written = mapper.writeValueAsString(new Item());
                        } catch (Exception | LinkageError e) {
                            written = e.getClass().getSimpleName();
                        }
                        String read;
                        try {
                            read = mapper.writeValueAsString(mapper.readValue("{\\"name\\":\\"x\\",\\"price\\":9}", Item.class));
                        } catch (Exception | LinkageError e) {
                            read = e.getClass().getSimpleName();
                        }
                        return "written=" + written + " read=" + read;
                    }
                }
                """.formatted(jackson.mapper, jackson.throwsClause.isEmpty() ? "throws InterruptedException" : jackson.throwsClause);
    }

    private static final String V1 = """
            package app;
            public class Item {
                private String name = "n";
                private String old = "o";
                public String getName() { return name; }
                public void setName(String name) { this.name = name; }
                public String getOld() { return old; }
            }
            """;
    private static final String V2 = """
            package app;
            public class Item {
                private String name = "n";
                private int price = 7;
                public String getName() { return name; }
                public void setName(String name) { this.name = name; }
                public int getPrice() { return price; }
                public void setPrice(int price) { this.price = price; }
            }
            """;

    @ParameterizedTest
    @EnumSource(Jackson.class)
    void mappersMadeBeforeAndAfterTheSwapWriteAndReadAnAddedProperty(Jackson jackson) throws Exception {
        List<Path> jars = jackson.jars();
        assertThat(jars).as("jackson jars").hasSize(3);
        Path classes = dir.resolve("classes");
        Map<String, String> app = new LinkedHashMap<>();
        app.put("app.Main", main(jackson));
        app.put("app.Item", V1);
        Javac.compile(classes, app, jars.toArray(Path[]::new));
        String classPath = classes + File.pathSeparator + jars.stream().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                "-cp", classPath, "app.Main"))) {
            String before = " written={\"name\":\"n\",\"old\":\"o\"} read=";
            child.await(0, l -> l.contains(" shared" + before) && l.contains(" fresh" + before), "both mappers writing v1");
            Javac.compile(classes, Map.of("app.Item", V2), classes);
            String after = " written={\"name\":\"n\",\"price\":7} read={\"name\":\"x\",\"price\":9}";
            child.awaitAfter(child.mark(), "shared" + after + " fresh" + after + " end");
            assertThat(child.output()).doesNotContain("internal error").doesNotContain("\tat ")
                    .doesNotContain("will not follow");
        }
    }
}

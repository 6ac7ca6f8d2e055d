package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jackson 2, from its own jars, never recompiled: after a property (field, getter, setter) is
 * added to a class, an {@code ObjectMapper} made after the swap writes it and reads it back; one
 * removed is gone. (A mapper made before the swap caches what it found: the Spring and Jackson
 * issue's.)
 */
class JacksonTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import com.fasterxml.jackson.databind.ObjectMapper;
            public class Main {
                public static void main(String[] args) throws Exception {
                    for (long tick = 0; ; tick++) {
                        ObjectMapper mapper = new ObjectMapper();
                        String written = mapper.writeValueAsString(new Item());
                        String read;
                        try {
                            read = mapper.writeValueAsString(mapper.readValue("{\\"name\\":\\"x\\",\\"price\\":9}", Item.class));
                        } catch (Exception e) {
                            read = e.getClass().getSimpleName();
                        }
                        System.out.println("tick=" + tick + " written=" + written + " read=" + read + " end");
                        Thread.sleep(25);
                    }
                }
            }
            """;
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

    @Test
    void aNewMapperWritesAndReadsAnAddedProperty() throws Exception {
        List<Path> jackson = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("jackson-")).map(Path::of).toList();
        assertThat(jackson).as("jackson jars on the test class path").hasSizeGreaterThanOrEqualTo(3);
        Path classes = dir.resolve("classes");
        Map<String, String> app = new LinkedHashMap<>();
        app.put("app.Main", MAIN);
        app.put("app.Item", V1);
        Javac.compile(classes, app, jackson.toArray(Path[]::new));
        String classPath = classes + File.pathSeparator + ChildJvm.hotswapJar() + File.pathSeparator
                + jackson.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                "-cp", classPath, "app.Main"))) {
            child.await(" written={\"name\":\"n\",\"old\":\"o\"} read=UnrecognizedPropertyException end");
            Javac.compile(classes, Map.of("app.Item", V2), classes);
            child.awaitAfter(child.mark(), " written={\"name\":\"n\",\"price\":7} read={\"name\":\"x\",\"price\":9} end");
            assertThat(child.output()).doesNotContain("internal error").doesNotContain("\tat ");
        }
    }
}

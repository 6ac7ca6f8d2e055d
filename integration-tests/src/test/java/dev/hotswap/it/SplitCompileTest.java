package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compile that reaches the folder in two bursts (a slow build, a long pause between files)
 * whose first half is refused: the second half was compiled against it and must not go in alone
 * (here it would sort objects that are not {@code Comparable}). It is held back with the first;
 * once the refused change is fixed, everything held goes in with the fix, in one batch.
 */
class SplitCompileTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.List;
            public class Main {
                public static void main(String[] args) throws Exception {
                    List<Animal> zoo = List.of(new Dog(), new Cat());
                    Shelter shelter = new Shelter();
                    for (long tick = 0; ; tick++) {
                        try {
                            System.out.println("tick=" + tick + " " + shelter.report(zoo) + " end");
                        } catch (RuntimeException e) {
                            System.out.println("tick=" + tick + " failed " + e);
                        }
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String animal(String header, String body) {
        return """
                package app;
                public abstract class Animal %s {
                    abstract String sound();
                    %s
                }
                """.formatted(header, body);
    }

    private static String pet(String name, String sound, String body) {
        return """
                package app;
                public class %s extends Animal {
                    String sound() { return "%s"; }
                    %s
                }
                """.formatted(name, sound, body);
    }

    private static String shelter(String sort) {
        return """
                package app;
                import java.util.ArrayList;
                import java.util.Comparator;
                import java.util.List;
                public class Shelter {
                    String report(List<Animal> zoo) {
                        List<Animal> sorted = new ArrayList<>(zoo);
                        %s;
                        StringBuilder out = new StringBuilder("v2");
                        for (Animal a : sorted) {
                            out.append(' ').append(a.sound()).append('=').append(a.weight());
                        }
                        return out.toString();
                    }
                }
                """.formatted(sort);
    }

    private static final String SHELTER_V1 = """
            package app;
            import java.util.List;
            public class Shelter {
                String report(List<Animal> zoo) {
                    StringBuilder out = new StringBuilder("v1");
                    for (Animal a : zoo) {
                        out.append(' ').append(a.sound());
                    }
                    return out.toString();
                }
            }
            """;

    @Test
    void theHalfCompiledAgainstARefusedHalfWaitsForItAndGoesInWithTheFix() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Animal", animal("", ""), "app.Dog", pet("Dog", "woof", ""),
                "app.Cat", pet("Cat", "meow", ""), "app.Shelter", SHELTER_V1));
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1 woof meow end");
            // First burst: Animal becomes Comparable (refused: a loaded class cannot gain an interface).
            String comparable = "public int compareTo(Animal o) { return Integer.compare(weight(), o.weight()); }";
            Javac.compile(classes, Map.of("app.Animal", animal("implements Comparable<Animal>", "abstract int weight(); "
                    + comparable), "app.Dog", pet("Dog", "woof", "int weight() { return 30; }"),
                    "app.Cat", pet("Cat", "meow", "int weight() { return 4; }")), classes);
            child.await("hotswap: not reloaded app.Animal, app.Cat, app.Dog: app.Animal: implemented interfaces changed");
            // Second burst, compiled against the first: it sorts Animals as Comparable.
            Javac.compile(classes, Map.of("app.Shelter", shelter("java.util.Collections.sort((List) sorted)")), classes);
            String held = child.await("hotswap: not reloaded app.Animal, app.Cat, app.Dog, app.Shelter:");
            assertThat(held).contains("implemented interfaces changed");
            int mark = child.mark();
            child.awaitAfter(mark, " v1 woof meow end");
            // The fix: no interface, a comparator. The held Dog and Cat go in with it.
            Javac.compile(classes, Map.of("app.Animal", animal("", "abstract int weight();"),
                    "app.Shelter", shelter("sorted.sort(Comparator.comparingInt(Animal::weight))")), classes);
            child.await("hotswap: reloaded 4 classes");
            child.await(" v2 meow=4 woof=30 end");
            assertThat(child.output()).doesNotContain("failed java.lang.ClassCastException");
        }
    }

    /**
     * With hotswap's defaults (no fixed quiet period): the caller's class file arrives first, the
     * method it calls a third of a second later. The caller alone is not a complete compile (it
     * names {@code Animal.weight()}, which is not there yet), so it waits for the rest and the four
     * go in as one batch: no tick ever runs the new caller against the old animals.
     */
    @Test
    void aCallerWrittenBeforeTheMethodItCallsWaitsForItWithTheDefaults() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Animal", animal("", ""), "app.Dog", pet("Dog", "woof", ""),
                "app.Cat", pet("Cat", "meow", ""), "app.Shelter", SHELTER_V1));
        Path next = dir.resolve("next");
        Javac.compile(next, Map.of("app.Main", MAIN, "app.Animal", animal("", "abstract int weight();"),
                "app.Dog", pet("Dog", "woof", "int weight() { return 30; }"), "app.Cat", pet("Cat", "meow", "int weight() { return 4; }"),
                "app.Shelter", shelter("sorted.sort(java.util.Comparator.comparingInt(Animal::weight))")));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar(),
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"))) {
            child.await(" v1 woof meow end");
            child.await("hotswap: watching");
            Files.copy(next.resolve("app/Shelter.class"), classes.resolve("app/Shelter.class"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(300); // a hundred times the settle time: the build is slow, not done
            for (String name : List.of("Animal", "Dog", "Cat")) {
                Files.copy(next.resolve("app/" + name + ".class"), classes.resolve("app/" + name + ".class"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            assertThat(child.await("hotswap: reloaded")).startsWith("hotswap: reloaded 4 classes");
            child.await(" v2 meow=4 woof=30 end");
            assertThat(child.linesMatching(l -> l.startsWith("hotswap: reloaded"))).hasSize(1);
            assertThat(child.output()).doesNotContain(" failed ");
        }
    }
}

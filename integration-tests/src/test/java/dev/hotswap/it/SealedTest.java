package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed interface with records implementing it gains a case, and a sealed class a subclass;
 * the code that tells them apart gains a branch: all in one compile, the program's state kept.
 * Reflection answers as the source says: sealed, with the newest permitted subclasses.
 */
class SealedTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Area area = new Area();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + area.report() + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String shape(boolean square) {
        return """
                package app;
                public sealed interface Shape permits Circle%s {
                }
                """.formatted(square ? ", Square" : "");
    }

    private static final String CIRCLE = """
            package app;
            public record Circle(int r) implements Shape {
            }
            """;

    private static final String SQUARE = """
            package app;
            public record Square(int side) implements Shape {
            }
            """;

    private static String animal(boolean cat) {
        return """
                package app;
                public abstract sealed class Animal permits Dog%s {
                    abstract String say();
                }
                """.formatted(cat ? ", Cat" : "");
    }

    private static final String DOG = """
            package app;
            public final class Dog extends Animal {
                String say() { return "woof"; }
            }
            """;

    private static final String CAT = """
            package app;
            public final class Cat extends Animal {
                String say() { return "meow"; }
            }
            """;

    private static String area(boolean v2) {
        return """
                package app;
                import java.util.List;
                public class Area {
                    private int reports;
                    static int of(Shape s) {
                        if (s instanceof Circle c) {
                            return 3 * c.r() * c.r();
                        }
                        %s
                        throw new IllegalStateException("no case for " + s);
                    }
                    String report() {
                        reports++;
                        List<Shape> shapes = %s;
                        List<Animal> animals = %s;
                        StringBuilder b = new StringBuilder("v%d reports=" + reports);
                        for (Shape s : shapes) {
                            b.append(' ').append(s).append('=').append(of(s));
                        }
                        for (Animal a : animals) {
                            b.append(' ').append(a.say());
                        }
                        b.append(" sealed=").append(Shape.class.isSealed()).append(Animal.class.isSealed())
                                .append(names(Shape.class.getPermittedSubclasses())).append(names(Animal.class.getPermittedSubclasses()));
                        return b.toString();
                    }
                    static String names(Class<?>[] types) {
                        return types == null ? "null" : java.util.Arrays.stream(types).map(Class::getSimpleName).toList().toString();
                    }
                }
                """.formatted(v2 ? "if (s instanceof Square q) { return q.side() * q.side(); }" : "",
                v2 ? "List.of(new Circle(1), new Square(2))" : "List.of(new Circle(1))",
                v2 ? "List.of(new Dog(), new Cat())" : "List.<Animal>of(new Dog())", v2 ? 2 : 1);
    }

    @Test
    void aSealedHierarchyGainsACase() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Shape", shape(false));
        all.put("app.Circle", CIRCLE);
        all.put("app.Animal", animal(false));
        all.put("app.Dog", DOG);
        all.put("app.Area", area(false));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            String before = child.await(" v1 reports=");
            assertThat(before).contains("Circle[r=1]=3 woof sealed=truetrue[Circle][Dog] end");
            int reports = Integer.parseInt(before.replaceAll(".*reports=(\\d+).*", "$1"));
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Shape", shape(true));
            v2.put("app.Square", SQUARE);
            v2.put("app.Animal", animal(true));
            v2.put("app.Cat", CAT);
            v2.put("app.Area", area(true));
            Javac.compile(classes, v2, classes);
            assertThat(child.await(" v2 reports=")).contains(" Circle[r=1]=3 Square[side=2]=4 woof meow sealed=truetrue[");
            // Reflection's caches are emptied just after the new code is published: a tick in between may list the old subclasses.
            String after = child.await(" Circle[r=1]=3 Square[side=2]=4 woof meow sealed=truetrue[Circle, Square][Dog, Cat] end");
            assertThat(Integer.parseInt(after.replaceAll(".*reports=(\\d+).*", "$1"))).as("state kept").isGreaterThan(reports);
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

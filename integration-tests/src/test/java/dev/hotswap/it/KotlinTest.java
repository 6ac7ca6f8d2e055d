package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kotlin program built as kotlin-maven-plugin builds it (Kotlin's compiler; every class file
 * deleted, then all written again), running under the packaged agent; each edit checked in what
 * the program prints, with a counter that must go on.
 */
class KotlinTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package demo

            fun main() {
                val users = Users()
                var tick = 0L
                while (true) {
                    println("tick=$tick ${users.line()} end")
                    tick++
                    Thread.sleep(20)
                }
            }
            """;

    private static String users(int version) {
        String user = version >= 2 ? "data class User(val name: String, val age: Int, val city: String = \"Oslo\")"
                : "data class User(val name: String, val age: Int)";
        String extras = version >= 3 ? """
                fun User.shout(): String = name.uppercase() + "!"

                object Settings {
                    var greeting = "hej"
                    val punctuation = "?"
                }

                class Counter {
                    companion object {
                        fun label(n: Int, prefix: String = "#") = prefix + n
                    }
                }
                """ : "";
        String line = switch (version) {
            case 1 -> "\"v1 ${User(\"ann\", 3)} count=$count\"";
            case 2 -> "\"v2 ${User(\"ann\", 3)} ${User(\"ann\", 3).copy(age = 4).component3()} count=$count\"";
            default -> "\"v3 ${User(\"ann\", 3).shout()} ${Settings.greeting}${Settings.punctuation}"
                    + " ${Counter.label(count)} ${listOf(1, 2, 3).map { it * count }.filter { it > 0 }.size} count=$count\"";
        };
        return """
                package demo

                %s
                %s
                class Users {
                    private var count = 0

                    fun line(): String {
                        count++
                        return %s
                    }
                }
                """.formatted(user, extras, line);
    }

    private static String shapes(boolean rect) {
        return """
                package demo

                sealed class Shape
                class Circle(val r: Int) : Shape()
                %s
                fun area(s: Shape): Int = when (s) {
                    is Circle -> 3 * s.r * s.r
                    %s
                }

                fun shapesLine(): String = listOf<Shape>(Circle(1)%s).joinToString(" ") { "area=" + area(it) }
                """.formatted(rect ? "class Rect(val w: Int, val h: Int) : Shape()" : "", rect ? "is Rect -> s.w * s.h" : "",
                rect ? ", Rect(2, 5)" : "");
    }

    @Test
    void everyEverydayKotlinEditGoesLiveWithTheCounterKept() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("Main.kt", MAIN);
        sources.put("Users.kt", users(1));
        sources.put("Shapes.kt", shapes(false));
        Kotlinc.build(classes, sources);
        String classPath = classes + File.pathSeparator + Kotlinc.runtime().stream().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=200ms",
                "-cp", classPath, "demo.MainKt"))) {
            int count = count(child.await(" v1 User(name=ann, age=3) count="));

            // A property with a default added to a data class: its constructor, copy(), componentN() and toString() change.
            sources.put("Users.kt", users(2));
            Kotlinc.build(classes, sources);
            String line = child.await(" v2 User(name=ann, age=3, city=Oslo) Oslo count=");
            assertThat(count(line)).as("the counter went on").isGreaterThan(count);
            count = count(line);

            // An extension function, an object's properties, a companion function with a default argument, lambdas.
            sources.put("Users.kt", users(3));
            Kotlinc.build(classes, sources);
            line = child.await(" v3 ANN! hej? #");
            assertThat(count(line)).as("the counter went on").isGreaterThan(count);
            assertThat(line).matches(".* v3 ANN! hej\\? #(\\d+) 3 count=\\1 end");
            count = count(line);

            // A subclass added to a sealed class, handled by the exhaustive when.
            sources.put("Shapes.kt", shapes(true));
            sources.put("Users.kt", users(3).replace("\"v3 ", "\"v4 ${shapesLine()} "));
            Kotlinc.build(classes, sources);
            line = child.await(" v4 area=3 area=10 ANN! ");
            assertThat(count(line)).as("the counter went on").isGreaterThan(count);
            assertThat(child.output()).doesNotContain("reload failed").doesNotContain("not reloaded")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }

    private static int count(String line) {
        return Integer.parseInt(line.replaceAll(".*count=(\\d+).*", "$1"));
    }
}

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

    /** Version {@code v} of a program with an enum in a {@code when}, an inline function, suspend functions, class-body lambdas. */
    private static Map<String, String> more(int v) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("Main.kt", """
                package demo

                fun main() {
                    val app = App()
                    var tick = 0L
                    while (true) {
                        // A failing tick is printed, and the program goes on.
                        val text = try { app.line() } catch (e: Throwable) { e.toString() }
                        println("tick=$tick $text end")
                        tick++
                        Thread.sleep(20)
                    }
                }
                """);
        // An enum constant added, used by an exhaustive when ($WhenMappings), in a file whose top-level code builds a lambda.
        sources.put("Priority.kt", """
                package demo

                enum class Priority { LOW, HIGH%s }

                fun advice(p: Priority): String = when (p) {
                    Priority.LOW -> "later"
                    Priority.HIGH -> "now"%s
                }

                fun priorityLine(): String = Priority.entries.joinToString("/") { advice(it) }
                """.formatted(v >= 2 ? ", URGENT" : "", v >= 2 ? "\n    Priority.URGENT -> \"at-once\"" : ""));
        // An inline function's body changed; its callers are compiled again with the new body inlined.
        sources.put("Inline.kt", """
                package demo

                inline fun decorate(s: String): String = %s
                """.formatted(v >= 3 ? "\"[\" + s + \"]\"" : "\"<\" + s + \">\""));
        // A suspend function's body changed and one added; the coroutine state machines change in one batch.
        sources.put("Fetch.kt", """
                package demo

                import kotlinx.coroutines.delay
                import kotlinx.coroutines.yield

                suspend fun fetch(n: Int): String {
                    delay(1)
                    return %s
                }
                %s
                """.formatted(v >= 4 ? "\"F\" + n + more(n)" : "\"f\" + n", v >= 4 ? """
                suspend fun more(n: Int): String {
                    yield()
                    delay(1)
                    return "+" + (n % 7)
                }
                """ : ""));
        // A property initialised by a lambda added to a class, then its body edited; a companion-held lambda edited.
        sources.put("Tag.kt", """
                package demo

                class Tag(private val n: Int) {
                    %s
                    fun text(): String = %s

                    companion object {
                        val style: (String) -> String = { s -> %s }
                    }
                }
                """.formatted(v >= 5 ? "private val fmt: (Int) -> String = { " + (v >= 6 ? "\"N$it\"" : "\"n$it\"") + " }" : "",
                v >= 5 ? "style(fmt(n))" : "style(\"t\" + n)", v >= 6 ? "\"(\" + s + \")\"" : "s"));
        sources.put("App.kt", """
                package demo

                import kotlinx.coroutines.runBlocking

                class App {
                    private var count = 0

                    fun line(): String {
                        count++
                        val fetched = runBlocking { fetch(count) }
                        return "k" + %d + " " + priorityLine() + " " + decorate("d") + " " + fetched + " " + Tag(count).text() + " count=" + count
                    }
                }
                """.formatted(v));
        return sources;
    }

    @Test
    void enumsInlineSuspendAndClassBodyLambdasGoLiveWithTheCounterKept() throws Exception {
        Path classes = dir.resolve("classes");
        Kotlinc.build(classes, more(1));
        String classPath = classes + File.pathSeparator + Kotlinc.runtime().stream().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=200ms",
                "-cp", classPath, "demo.MainKt"))) {
            String line = child.await("k1 later/now <d> f");
            assertThat(line).matches(".* k1 later/now <d> f(\\d+) t\\1 count=\\1 end");
            String[] expected = {
                "k2 later/now/at-once <d> f(\\d+) t\\1 ",
                "k3 later/now/at-once \\[d\\] f(\\d+) t\\1 ",
                "k4 later/now/at-once \\[d\\] F(\\d+)\\+\\d t\\1 ",
                "k5 later/now/at-once \\[d\\] F(\\d+)\\+\\d n\\1 ",
                "k6 later/now/at-once \\[d\\] F(\\d+)\\+\\d \\(N\\1\\) "};
            for (int v = 2; v <= 6; v++) {
                int count = count(line);
                Kotlinc.build(classes, more(v));
                line = child.await(" k" + v + " ");
                assertThat(count(line)).as("the counter went on at k" + v).isGreaterThan(count);
                assertThat(line).matches(".* " + expected[v - 2] + "count=\\1 end");
            }
            assertThat(child.output()).doesNotContain("reload failed").doesNotContain("not reloaded")
                    .doesNotContain("loads as compiled").doesNotContain("Exception").doesNotContain("Error");
        }
    }

    private static int count(String line) {
        return Integer.parseInt(line.replaceAll(".*count=(\\d+).*", "$1"));
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An IDE's own HotSwap (JDI's {@code redefineClasses} through JDWP, for every loaded class of the
 * name, as IntelliJ IDEA, Eclipse and VS Code send it after a build) in a program running with
 * hotswap: the call returns normally and the program runs the new code, state kept, for a body
 * change, a method added, a field and a lambda added, with the IDE alone, with the build's class
 * file after the IDE's call and before it (applied once); a superclass change fails the IDE's call
 * as it would without hotswap, and hotswap says why. The class declares {@code toString},
 * {@code equals} and {@code hashCode} itself (nothing planted at load): hotswap's own swaps after
 * the IDE's still run. The IDE's breakpoints, set again after each HotSwap, stop in the new code.
 */
class IdeHotSwapTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Worker worker = new Worker();
                    while (true) {
                        worker.tick();
                        System.out.println("tick " + worker.report() + " " + worker + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    /** Line 6 is where the breakpoint goes: the body of tick(), the same line in every version. */
    private static String worker(int version, String extendsClause, String members, String more) {
        return """
                package app;
                import java.util.function.IntSupplier;
                public class Worker%s {
                    private int counter;
                    public void tick() {
                        counter += 1;
                    }
                    public String report() {
                        return "v%d " + counter%s;
                    }
                    @Override public String toString() { return "Worker#" + counter; }
                    @Override public boolean equals(Object o) { return o == this; }
                    @Override public int hashCode() { return 7; }
                    %s
                }
                """.formatted(extendsClause, version, more, members);
    }

    private static final String V1 = worker(1, "", "", "");
    private static final String V2_BODY = worker(2, "", "", "");
    private static final String V3_METHOD = worker(3, "", "int bonus() { return counter % 2; }", " + \" bonus=\" + (bonus() >= 0)");
    private static final String V4_FIELD_AND_LAMBDA = worker(4, "", """
            int bonus() { return counter % 2; }
                private String label = "labelled";
                int doubled() { IntSupplier twice = () -> 2 * counter; return twice.getAsInt(); }""",
            " + \" bonus=\" + (bonus() >= 0) + \" \" + label + \" doubled=\" + (doubled() % 2 == 0)");
    private static final String V5_BODY = worker(5, "", """
            int bonus() { return counter % 2; }
                private String label = "labelled";""", " + \" bonus=\" + (bonus() >= 0) + \" \" + label");
    private static final String V6_SUPERCLASS = worker(6, " extends Thread", "", "");
    private static final String V7_BUILD = worker(7, "", """
            int bonus() { return counter % 2; }
                private String label = "labelled";
                int more() { return 7; }""", " + \" \" + label + \" more=\" + more()");

    private static final Pattern PORT = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");

    private byte[] compiled(String source) throws Exception {
        Path out = Files.createTempDirectory(dir, "ide");
        Javac.compileWith(List.of("-g"), out, Map.of("app.Worker", source), dir.resolve("classes"));
        return Files.readAllBytes(out.resolve("app/Worker.class"));
    }

    private static int counter(String line) {
        Matcher m = Pattern.compile("Worker#(\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @ParameterizedTest
    @EnumSource(Debugger.HotSwap.class)
    void anIdesHotSwapGoesThroughHotswap(Debugger.HotSwap how) throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compileWith(List.of("-g"), classes, Map.of("app.Main", MAIN, "app.Worker", V1));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0",
                "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms", "-cp", classes.toString(), "app.Main"))) {
            Matcher port = PORT.matcher(child.await("Listening for transport dt_socket"));
            assertThat(port.find()).isTrue();
            int before = counter(child.await("tick v1 "));
            try (Debugger ide = Debugger.attach(Integer.parseInt(port.group(1)), Debugger.Style.IDEA)) {
                ide.stopAt("app.Worker", 6);
                ide.count();
                assertThat(ide.awaitHits(3, 10)).as("hits before any HotSwap").isGreaterThanOrEqualTo(3);

                // The IDE alone: a body, then a method added.
                int from = child.mark();
                ide.count();
                ide.drain(); // a hit after the last count waits at its breakpoint
                assertThat(ide.hotSwap(Map.of("app.Worker", compiled(V2_BODY)), how)).isGreaterThanOrEqualTo(1);
                assertThat(counter(child.awaitAfter(from, "tick v2 "))).as("state kept").isGreaterThan(before);
                assertThat(ide.awaitHits(3, 10)).as("hits after a body HotSwap").isGreaterThanOrEqualTo(3);
                from = child.mark();
                ide.count();
                ide.drain(); // a hit after the last count waits at its breakpoint
                ide.hotSwap(Map.of("app.Worker", compiled(V3_METHOD)), how);
                child.awaitAfter(from, "tick v3 ");
                child.awaitAfter(from, " bonus=true Worker#");
                assertThat(ide.awaitHits(3, 10)).as("hits after a structural HotSwap").isGreaterThanOrEqualTo(3);
                ide.drain();
                Debugger.Stop stop = ide.next(10);
                assertThat(stop).as("a stop after the structural HotSwap").isNotNull();
                assertThat(stop.location().lineNumber()).isEqualTo(6);
                // In the new code: a version's method, whose object is the local self.
                assertThat(stop.thread().frame(0).visibleVariableByName("self")).as("swapped code").isNotNull();
                ide.count(); // hits resume at once from now on
                stop.resume();
                ide.drain();

                // The IDE, then the build's class file: a field and a lambda added, applied once.
                from = child.mark();
                byte[] v4 = compiled(V4_FIELD_AND_LAMBDA);
                ide.hotSwap(Map.of("app.Worker", v4), how);
                Files.write(classes.resolve("app/Worker.class"), v4);
                // The object was made before: the added field gets its initializer at its first read.
                child.awaitAfter(from, " bonus=true labelled doubled=true Worker#");
                // The build first, then the IDE's HotSwap of the same bytes: nothing more to do.
                byte[] v5 = compiled(V5_BODY);
                from = child.mark();
                Files.write(classes.resolve("app/Worker.class"), v5);
                child.awaitAfter(from, "tick v5 ");
                child.awaitAfter(from, "hotswap: reloaded");
                int afterBuild = child.mark();
                ide.hotSwap(Map.of("app.Worker", v5), how);
                Thread.sleep(400); // longer than hotswap's batching: a second reload would have been said by now
                child.awaitAfter(child.mark(), "tick v5 ");
                assertThat(child.output().lines().skip(afterBuild).filter(l -> l.startsWith("hotswap: reloaded")).toList())
                        .as("the same bytes twice are applied once").isEmpty();

                // A superclass change: the IDE's call fails as without hotswap; hotswap says why.
                from = child.mark();
                byte[] v6 = compiled(V6_SUPERCLASS);
                assertThatThrownBy(() -> ide.hotSwap(Map.of("app.Worker", v6), how))
                        .isInstanceOf(UnsupportedOperationException.class);
                child.awaitAfter(from, "superclass changed from java.lang.Object to java.lang.Thread");
                child.awaitAfter(child.mark(), "tick v5 ");
            }
            // hotswap's own swaps after the IDE's still run (the IDE's bytes never replaced the engine's entries).
            int from = child.mark();
            Javac.compileWith(List.of("-g"), classes, Map.of("app.Worker", V7_BUILD), classes);
            child.awaitAfter(from, "tick v7 ");
            child.awaitAfter(from, " labelled more=7 Worker#");
            assertThat(child.output()).doesNotContain("internal error").doesNotContain("\tat ");
        }
    }
}

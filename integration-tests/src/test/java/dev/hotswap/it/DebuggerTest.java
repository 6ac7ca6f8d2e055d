package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jdi.IntegerValue;
import com.sun.jdi.LocalVariable;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.StackFrame;
import com.sun.jdi.request.StepRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A debugger's line breakpoints across swaps, through JDWP as IDEs use it: set before a body swap,
 * a structural swap and a body swap again, they stop with no user action, in the new code (its
 * locals have the new values); a breakpoint in a method a swap added stops; stepping goes into,
 * over and out of swapped code line by line in {@code Worker.java}; a second session attached after
 * the swaps stops at its breakpoints too.
 */
class DebuggerTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Worker worker = new Worker();
                    while (true) {
                        worker.tick();
                        System.out.println("tick " + worker.report());
                        Thread.sleep(20);
                    }
                }
            }
            """;

    /** Line 6 is where the breakpoints go; {@code bonus()}, added by v3, has its body on lines 12 and 13. */
    private static String worker(int step, boolean bonus) {
        return """
                package app;
                public class Worker {
                    private int counter;
                    public void tick() {
                        int step = %d;
                        counter += step%s;
                    }
                    public String report() {
                        return "v%d " + counter;
                    }
                %s}
                """.formatted(step, bonus ? " + bonus()" : "", step, bonus ? """
                    private int bonus() {
                        int extra = counter % 2;
                        return extra;
                    }
                """ : "");
    }

    private static final Pattern PORT = Pattern.compile("Listening for transport dt_socket at address: (\\d+)");

    private ChildJvm start(Path classes) throws Exception {
        Javac.compileWith(List.of("-g"), classes, Map.of("app.Main", MAIN, "app.Worker", worker(1, false)));
        return ChildJvm.start(dir, List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0",
                "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                "-cp", classes + java.io.File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"));
    }

    /** The port JDWP listens on (a new one after each session: the address asks for any free port). */
    private static int port(ChildJvm child, int from) {
        Matcher m = PORT.matcher(child.awaitAfter(from, "Listening for transport dt_socket"));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int local(Debugger.Stop stop, String name) throws Exception {
        StackFrame frame = stop.thread().frame(0);
        LocalVariable variable = frame.visibleVariableByName(name);
        assertThat(variable).as("local " + name + " at " + stop.location()).isNotNull();
        return ((IntegerValue) frame.getValue(variable)).value();
    }

    /**
     * The object the stopped method runs on, and its field {@code counter}: {@code this} in the class as
     * loaded; in swapped code, whose methods are static, the local {@code self}.
     */
    private static int counterOfThis(Debugger.Stop stop, boolean swapped) throws Exception {
        StackFrame frame = stop.thread().frame(0);
        ObjectReference self = swapped ? (ObjectReference) frame.getValue(frame.visibleVariableByName("self"))
                : frame.thisObject();
        assertThat(self).as("the object at " + stop.location()).isNotNull();
        assertThat(self.referenceType().name()).isEqualTo("app.Worker");
        return ((IntegerValue) self.getValue(self.referenceType().fieldByName("counter"))).value();
    }

    private static void swap(ChildJvm child, Path classes, Debugger debugger, int step, boolean bonus) throws Exception {
        debugger.count();
        int from = child.mark();
        Javac.compileWith(List.of("-g"), classes, Map.of("app.Worker", worker(step, bonus)), classes);
        child.awaitAfter(from, "tick v" + step + " ");
        assertThat(debugger.awaitHits(3, 10)).as("hits at line 6 after swap to v" + step).isGreaterThanOrEqualTo(3);
    }

    @Test
    void ideaStyleBreakpointsStopAcrossBodyAndStructuralSwapsAndStepThroughSwappedCode() throws Exception {
        Path classes = dir.resolve("classes");
        try (ChildJvm child = start(classes)) {
            int port = port(child, 0);
            child.await("tick v1 ");
            int listening = child.mark();
            try (Debugger debugger = Debugger.attach(port, Debugger.Style.IDEA)) {
                debugger.stopAt("app.Worker", 6);
                Debugger.Stop first = debugger.next(10);
                assertThat(first).isNotNull();
                assertThat(first.location().lineNumber()).isEqualTo(6);
                assertThat(local(first, "step")).isEqualTo(1);
                int before = counterOfThis(first, false);
                first.resume();

                swap(child, classes, debugger, 2, false); // a body
                debugger.drain();
                Debugger.Stop afterBody = debugger.next(10);
                assertThat(afterBody.location().lineNumber()).isEqualTo(6);
                assertThat(local(afterBody, "step")).isEqualTo(2);
                assertThat(afterBody.location().sourceName()).isEqualTo("Worker.java");
                afterBody.resume();

                swap(child, classes, debugger, 3, true); // structural: bonus() added
                debugger.drain();
                Debugger.Stop atSix = debugger.next(10);
                assertThat(local(atSix, "step")).isEqualTo(3);
                assertThat(counterOfThis(atSix, true)).as("state kept").isGreaterThan(before);
                Debugger.Stop into = debugger.step(atSix, StepRequest.STEP_INTO);
                assertThat(into.location().method().name()).isEqualTo("bonus");
                assertThat(into.location().lineNumber()).isEqualTo(12);
                assertThat(into.location().sourceName()).isEqualTo("Worker.java");
                assertThat(into.location().declaringType().name()).isEqualTo("app.Worker");
                Debugger.Stop over = debugger.step(into, StepRequest.STEP_OVER);
                assertThat(over.location().lineNumber()).isEqualTo(13);
                assertThat(local(over, "extra")).isBetween(0, 1);
                Debugger.Stop out = debugger.step(over, StepRequest.STEP_OUT);
                assertThat(out.location().method().name()).isEqualTo("tick");
                assertThat(out.location().lineNumber()).isEqualTo(6);
                out.resume();

                debugger.stopAt("app.Worker", 12); // in the added method
                debugger.drain();
                Debugger.Stop inAdded = null;
                for (int i = 0; i < 4 && inAdded == null; i++) {
                    Debugger.Stop s = debugger.next(10);
                    if (s.location().lineNumber() == 12) {
                        inAdded = s;
                    } else {
                        s.resume();
                    }
                }
                assertThat(inAdded).as("a stop in bonus()").isNotNull();
                assertThat(inAdded.location().method().name()).isEqualTo("bonus");
                inAdded.resume();

                swap(child, classes, debugger, 4, true); // a body again
            }
            // A new session, after the swaps: its breakpoint by source line stops in the code that runs.
            try (Debugger second = Debugger.attach(port(child, listening), Debugger.Style.IDEA)) {
                second.stopAt("app.Worker", 6);
                Debugger.Stop stop = second.next(10);
                assertThat(stop).isNotNull();
                assertThat(local(stop, "step")).isEqualTo(4);
                stop.resume();
            }
        }
    }

    @Test
    void jdbStyleBreakpointsStopAcrossSwaps() throws Exception {
        Path classes = dir.resolve("classes");
        try (ChildJvm child = start(classes)) {
            int port = port(child, 0);
            child.await("tick v1 ");
            int listening = child.mark();
            try (Debugger debugger = Debugger.attach(port, Debugger.Style.JDB)) {
                debugger.stopAt("app.Worker", 6);
                debugger.count();
                assertThat(debugger.awaitHits(3, 10)).isGreaterThanOrEqualTo(3);
                swap(child, classes, debugger, 2, false);
                swap(child, classes, debugger, 3, true);
                swap(child, classes, debugger, 4, true);
            }
            try (Debugger second = Debugger.attach(port(child, listening), Debugger.Style.JDB)) {
                second.stopAt("app.Worker", 6);
                Debugger.Stop stop = second.next(10);
                assertThat(stop).isNotNull();
                assertThat(local(stop, "step")).isEqualTo(4);
                stop.resume();
            }
        }
    }
}

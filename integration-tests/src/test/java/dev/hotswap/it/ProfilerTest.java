package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profilers and stack walkers after a structural swap, with hotswap's defaults: JFR's execution
 * samples, {@code Thread.getStackTrace()} from another thread and {@code StackWalker} name the
 * user's class, method and line for a method the swap added, which takes most of the CPU.
 */
class ProfilerTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.nio.file.*;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Thread main = Thread.currentThread();
                    Thread sampler = new Thread(() -> {
                        while (true) {
                            for (StackTraceElement e : main.getStackTrace()) {
                                if (e.getMethodName().equals("spin")) {
                                    System.out.println("sampled " + e);
                                }
                            }
                            try { Thread.sleep(50); } catch (InterruptedException x) { return; }
                        }
                    }, "sampler");
                    sampler.setDaemon(true);
                    sampler.start();
                    Crunch crunch = new Crunch();
                    while (!Files.exists(Path.of("stop"))) {
                        System.out.println("tick " + crunch.work());
                    }
                    System.exit(0);
                }
            }
            """;

    private static final String CRUNCH_V1 = """
            package app;
            public class Crunch {
                private long total;
                public String work() {
                    total++;
                    return "v1 " + total;
                }
            }
            """;

    // spin() is added; its loop is on line 11.
    private static final String CRUNCH_V2 = """
            package app;
            public class Crunch {
                private long total;
                public String work() {
                    total += spin();
                    return "v2 " + total + " " + StackWalker.getInstance().walk(s -> s.findFirst()).get();
                }
                private long spin() {
                    long x = 0;
                    for (int i = 0; i < 3_000_000; i++) {
                        x += (i ^ total) % 7;
                    }
                    return x % 3;
                }
            }
            """;

    @Test
    void jfrSamplesAndStackTracesNameAMethodTheSwapAdded() throws Exception {
        Path classes = dir.resolve("classes");
        Path recording = dir.resolve("rec.jfr");
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Crunch", CRUNCH_V1));
        try (ChildJvm child = ChildJvm.start(dir, List.of(
                "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true",
                "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                "-cp", classes + java.io.File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"))) {
            child.await("tick v1 ");
            Javac.compile(classes, Map.of("app.Crunch", CRUNCH_V2), classes);
            String walked = child.await("tick v2 ");
            assertThat(walked).endsWith(" app.Crunch.work(Crunch.java:6)");
            String sampled = child.await("sampled ");
            // Wherever in spin() the other thread caught it: its class, method and one of its lines (9-13).
            assertThat(sampled).matches("sampled app\\.Crunch\\.spin\\(Crunch\\.java:(9|1[0-3])\\)");
            child.awaitMore(100, "tick v2 "); // a second or more of spinning
            Files.createFile(dir.resolve("stop"));
            long deadline = System.nanoTime() + ChildJvm.WAIT.toNanos();
            while (child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(child.isAlive()).as("the child exits, dumping its recording").isFalse();
        }
        List<RecordedEvent> samples = RecordingFile.readAllEvents(recording).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample")).toList();
        // The samples of the swapped code: the main thread in work(), which spends its time in spin().
        List<List<RecordedFrame>> inWork = samples.stream()
                .map(e -> e.getStackTrace() == null ? List.<RecordedFrame>of() : e.getStackTrace().getFrames())
                .filter(frames -> frames.stream().anyMatch(f -> is(f, "work"))).toList();
        long inSpin = inWork.stream().filter(frames -> frames.stream().anyMatch(f -> is(f, "spin")
                && f.getLineNumber() >= 9 && f.getLineNumber() <= 13)).count();
        System.out.printf("profiler: %d of %d samples in work() are in spin() (%d samples in all)%n", inSpin, inWork.size(),
                samples.size());
        assertThat(inSpin).as("samples in app.Crunch.spin, at one of its lines, of " + inWork.size()
                + " in app.Crunch.work (" + samples.size() + " in all)").isGreaterThanOrEqualTo(5)
                .isGreaterThanOrEqualTo(inWork.size() / 2);
    }

    private static boolean is(RecordedFrame frame, String method) {
        return frame.getMethod().getType().getName().equals("app.Crunch") && frame.getMethod().getName().equals(method);
    }
}

package dev.hotswap.bench;

import java.io.IOException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Swap latency: from the last class file closed on disk to the child's first output showing the
 * new behaviour. Side by side: hotswap (watcher + classify + redefine) and the floor (the JDK's
 * bare {@code redefineClasses} of the same bytes, called directly in the child).
 */
final class Latency {
    /**
     * A person's pace: one save a second. A swap is timed alone, never queued behind the one before.
     */
    static final long PACE_MS = 1000;
    /** The first edit two seconds after the program is ready: one looks at a program before editing it. */
    static final long FIRST_EDIT_MS = 2000;
    private final Path hotswapJar;
    private final Path benchJar;
    private final Path work;

    Latency(Path hotswapJar, Path benchJar, Path work) {
        this.hotswapJar = hotswapJar;
        this.benchJar = benchJar;
        this.work = work;
    }

    private static List<String> probes(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("P" + i);
        }
        return names;
    }

    private static void writeVersion(Path dir, List<String> probes, int value) throws IOException {
        writeVersion(dir, probes, value, false);
    }

    private static void writeVersion(Path dir, List<String> probes, int value, boolean structural) throws IOException {
        for (String probe : probes) {
            Files.write(dir.resolve(probe + ".class"), ClassGen.probe(probe, value, structural));
        }
    }

    private Path app(String label, int n) throws IOException {
        Path dir = Files.createDirectories(work.resolve("latency-" + label + "-" + n));
        List<String> probes = probes(n);
        writeVersion(dir, probes, 1);
        Files.write(dir.resolve("Sum.class"), ClassGen.sum("Sum", probes));
        return dir;
    }

    /** hotswap through its agent, with the given options. */
    Stats hotswap(int n, String options, int swaps) throws Exception {
        return hotswap(n, options, swaps, false);
    }

    /** As above; {@code structural}: every version adds a method, so the structural engine swaps it. */
    Stats hotswap(int n, String options, int swaps, boolean structural) throws Exception {
        Path dir = app("hotswap", n);
        List<String> probes = probes(n);
        List<Double> millis = new ArrayList<>();
        try (Child child = Child.start(List.of("-javaagent:" + hotswapJar + "=verbosity=quiet," + options,
                "-cp", dir + File.pathSeparator + benchJar, ProbeMain.class.getName()))) {
            child.expect("ready " + n);
            Thread.sleep(FIRST_EDIT_MS);
            for (int k = 2; k < swaps + 2; k++) {
                writeVersion(dir, probes, k, structural);
                long closed = System.nanoTime();
                String seen = child.expect("seen " + (n * k) + " ");
                millis.add((Long.parseLong(seen.split(" ")[2]) - closed) / 1e6);
                Thread.sleep(PACE_MS); // each swap its own compile
            }
        }
        return Stats.of(millis);
    }

    /** The JDK's own redefineClasses, called directly in the child with bytes already in memory. */
    Stats floor(int n, int swaps) throws Exception {
        Path dir = app("floor", n);
        List<String> probes = probes(n);
        List<Double> millis = new ArrayList<>();
        try (Child child = Child.start(List.of("-javaagent:" + benchJar,
                "-cp", dir + File.pathSeparator + benchJar, ProbeMain.class.getName()))) {
            child.expect("ready " + n);
            Thread.sleep(FIRST_EDIT_MS);
            for (int k = 2; k < swaps + 2; k++) {
                Path stage = Files.createDirectories(work.resolve("floor-stage-" + n + "-" + k));
                writeVersion(stage, probes, k);
                child.send("redefine " + stage);
                String expected = "seen " + (n * k) + " ";
                // Two threads print: the poller may see the new code before "redefined" is printed.
                String redefined = null;
                String seen = null;
                while (redefined == null || seen == null) {
                    String line = child.expect(l -> l.startsWith("redefined ") || l.startsWith(expected),
                            java.time.Duration.ofSeconds(60), "redefined / " + expected);
                    if (line.startsWith("redefined ")) {
                        redefined = line;
                    } else {
                        seen = line;
                    }
                }
                millis.add((Long.parseLong(seen.split(" ")[2]) - Long.parseLong(redefined.split(" ")[1])) / 1e6);
                Thread.sleep(PACE_MS); // at the pace of the rows it is the floor of
            }
        }
        return Stats.of(millis);
    }
}

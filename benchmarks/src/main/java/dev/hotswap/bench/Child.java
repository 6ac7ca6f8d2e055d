package dev.hotswap.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A measured child JVM: lines of its output in order, commands on its stdin, always killed. */
final class Child implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final PrintStream in;
    final long startedNanos;

    private Child(Process process, long startedNanos) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // killed
            }
        }, "bench-child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static Child start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        // A profiling aid, not a measurement setting: e.g. BENCH_CHILD_OPTS=-XX:StartFlightRecording=filename=/tmp/c-%p.jfr
        String extra = System.getenv("BENCH_CHILD_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        long started = System.nanoTime();
        return new Child(builder.start(), started);
    }

    /** The next line that {@code wanted} accepts; lines before it are dropped. */
    String expect(Predicate<String> wanted, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("no " + what + " within " + timeout.toSeconds() + " s; last lines: "
                        + seen.subList(Math.max(0, seen.size() - 10), seen.size()));
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    String expect(String prefix) throws InterruptedException {
        return expect(l -> l.startsWith(prefix), Duration.ofSeconds(60), "line starting with " + prefix);
    }

    /** Every line the child wrote so far. */
    List<String> output() {
        lines.drainTo(seen);
        return List.copyOf(seen);
    }

    long pid() {
        return process.pid();
    }

    void send(String line) {
        in.println(line);
    }

    @Override
    public void close() throws InterruptedException {
        // Its children first (dev mode's program JVM): killed forcibly, the child could not end them itself.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}

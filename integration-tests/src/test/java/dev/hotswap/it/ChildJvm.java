package dev.hotswap.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM whose output the test reads line by line. Every wait is bounded; {@link #close()}
 * always kills the process.
 */
final class ChildJvm implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** How long an app may take to start (see {@link #awaitStart}). */
    static final Duration START = Duration.ofSeconds(90);

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        readers.add(reader(process.getInputStream(), "out"));
        readers.add(reader(process.getErrorStream(), "err"));
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static Path hotswapJar() {
        String jar = System.getProperty("hotswapJar");
        if (jar == null) {
            throw new IllegalStateException("system property hotswapJar is not set: run through Maven");
        }
        return Path.of(jar).toAbsolutePath().normalize();
    }

    /** {@code app.Main} from {@code classes} under the packaged agent, which batches after 150 ms of quiet. */
    static ChildJvm withAgent(Path workDir, Path classes) throws IOException {
        return withAgent(workDir, "quiet=150ms", classes, "app.Main");
    }

    /** {@code java -javaagent:hotswap.jar=<options> -cp <classes>:hotswap.jar <main>}: the common shape of a test's program. */
    static ChildJvm withAgent(Path workDir, String options, Path classes, String main) throws IOException {
        return start(workDir, List.of("-javaagent:" + hotswapJar() + "=" + options,
                "-cp", classes + java.io.File.pathSeparator + hotswapJar(), main));
    }

    /** Starts {@code java <args>} in {@code workDir}. */
    static ChildJvm start(Path workDir, List<String> args) throws IOException {
        return start(workDir, args, java.util.Map.of());
    }

    /** Starts {@code java <args>} in {@code workDir} with these environment variables set as well. */
    static ChildJvm start(Path workDir, List<String> args, java.util.Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        // The shape of the engine's versions for every child (-Dit.versions=named|hidden), as a user sets it.
        String versions = System.getProperty("it.versions", "");
        if (!versions.isEmpty()) {
            command.add("-Dhotswap.versions=" + versions);
        }
        command.addAll(args);
        return run(workDir, command, environment);
    }

    /** Starts {@code command} (a launcher that starts JVMs: {@code mvn}) in {@code workDir}. */
    static ChildJvm run(Path workDir, List<String> command, java.util.Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().putAll(environment);
        return new ChildJvm(builder.start());
    }

    private Thread reader(InputStream stream, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process was killed: nothing more to read
            }
        }, "child-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Index of the next line to be printed; pass it to {@link #await(int, Predicate, String)}. */
    int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Waits for a line containing {@code text}, anywhere in the output so far or to come. */
    String await(String text) {
        return await(0, l -> l.contains(text), "a line containing \"" + text + "\"");
    }

    /** Waits for a line containing {@code text} printed at or after {@code from}. */
    String awaitAfter(int from, String text) {
        return await(from, l -> l.contains(text), "a line containing \"" + text + "\"");
    }

    /** Waits until the program printed {@code n} more lines starting with {@code prefix}. */
    void awaitMore(int n, String prefix) {
        int[] seen = {0};
        await(mark(), l -> l.startsWith(prefix) && ++seen[0] >= n, n + " more lines starting with " + prefix);
    }

    /**
     * Waits, up to {@link #START}, for a line containing {@code text}: an app's start-up (a Spring
     * Boot app with JPA starts in 5–10 s, more on a loaded machine).
     */
    String awaitStart(String text) {
        return await(0, l -> l.contains(text), "a line containing \"" + text + "\"", START);
    }

    String await(int from, Predicate<String> wanted, String what) {
        return await(from, wanted, what, WAIT);
    }

    private String await(int from, Predicate<String> wanted, String what, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (lines) {
            int next = from;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (wanted.test(lines.get(next))) {
                        return lines.get(next);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && readersDone())) {
                    throw new AssertionError("no " + what + " within " + bound.toSeconds() + " s"
                            + (process.isAlive() ? "" : " (the child exited)") + "; output (ticks left out):\n" + summary());
                }
                try {
                    lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Every line so far that {@code wanted} accepts. */
    List<String> linesMatching(Predicate<String> wanted) {
        synchronized (lines) {
            return lines.stream().filter(wanted).toList();
        }
    }

    private boolean readersDone() {
        return readers.stream().noneMatch(Thread::isAlive);
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** The output for a failure message: every line but the ticks, and the last few ticks. */
    private String summary() {
        synchronized (lines) {
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).startsWith("tick=") || i >= lines.size() - 5) {
                    shown.add(lines.get(i));
                }
            }
            return String.join("\n", shown);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the process to end by itself; the exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not exit within " + WAIT.toSeconds() + " s; output:\n" + summary());
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The lines printed from {@code from} on, so far. */
    List<String> linesFrom(int from) {
        synchronized (lines) {
            return List.copyOf(lines.subList(from, lines.size()));
        }
    }

    /** Asks the process to end, as Ctrl-C or {@code kill} does (its shutdown hooks run); its exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    /** Kills the process and whatever it started. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroyForcibly();
        started.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
    }
}

package dev.hotswap.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar hotswap.jar push} to n local JVMs by pid: from the command started to the last
 * of them running the new code (each child prints when it first sees it, on the same monotonic
 * clock). Each push changes one class; the first push, which starts each JVM's local management
 * agent, is timed apart.
 */
final class FleetPush {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Path hotswapJar;
    private final Path benchJar;
    private final Path work;

    FleetPush(Path hotswapJar, Path benchJar, Path work) {
        this.hotswapJar = hotswapJar;
        this.benchJar = benchJar;
        this.work = work;
    }

    /** Waits (boundedly) until {@code status PID} answers. */
    private void awaitSession(String pid) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Process status = new ProcessBuilder(Child.java().toString(), "-jar", hotswapJar.toString(), "status", pid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (status.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && status.exitValue() == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no hotswap session in pid " + pid + " within " + WAIT.toSeconds() + " s");
    }

    /** The first push's time, then the others'. */
    record Result(double first, List<Double> millis) {
    }

    /** Section 9 of BENCHMARKS.md: 3 and 10 JVMs. */
    String section(int pushes) throws Exception {
        StringBuilder md = new StringBuilder("\n## 9. Push a build to several JVMs\n\n")
                .append("`java -jar hotswap.jar push --to PID,PID,… DIR` to 3 and to 10 JVMs on this machine (by pid: the ")
                .append("attach API and each JVM's local management agent), one changed class per push, timed from the ")
                .append("command started to the last JVM running the new code (each prints when it first sees it, on the ")
                .append("same monotonic clock). The command's own JVM start is in the time, as a user has it. The first push ")
                .append("starts every JVM's local management agent; it is shown apart. ").append(pushes)
                .append(" pushes after it per row.\n\n| JVMs | first push ms | p50 ms | p95 ms | max ms |\n|---:|---:|---:|---:|---:|\n");
        for (int n : new int[] {3, 10}) {
            Result r = run(n, pushes);
            Stats s = Stats.of(r.millis());
            md.append("| ").append(n).append(" | ").append(Stats.ms(r.first())).append(" | ").append(Stats.ms(s.p50()))
                    .append(" | ").append(Stats.ms(s.p95())).append(" | ").append(Stats.ms(s.max())).append(" |\n");
        }
        return md.toString();
    }

    Result run(int n, int pushes) throws Exception {
        Path build = Files.createDirectories(work.resolve("push-" + n + "-build"));
        List<Child> children = new ArrayList<>();
        try {
            List<String> pids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path dir = Files.createDirectories(work.resolve("push-" + n + "-" + i));
                Files.write(dir.resolve("P0.class"), ClassGen.probe("P0", 1));
                Files.write(dir.resolve("Sum.class"), ClassGen.sum("Sum", List.of("P0")));
                Child child = Child.start(List.of("-Xmx64m", "-javaagent:" + hotswapJar + "=verbosity=quiet",
                        "-cp", dir + File.pathSeparator + benchJar, ProbeMain.class.getName()));
                children.add(child);
            }
            for (Child child : children) {
                child.expect("ready");
                pids.add(Long.toString(child.pid()));
            }
            for (String pid : pids) {
                awaitSession(pid); // registered 5 s after start-up when the JVM runs no JMX agent of its own
            }
            double first = 0;
            List<Double> millis = new ArrayList<>();
            for (int k = 2; k < pushes + 3; k++) {
                Files.write(build.resolve("P0.class"), ClassGen.probe("P0", k));
                long started = System.nanoTime();
                Process push = new ProcessBuilder(Child.java().toString(), "-jar", hotswapJar.toString(), "push", "--to",
                        String.join(",", pids), build.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!push.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || push.exitValue() != 0) {
                    push.destroyForcibly();
                    throw new IllegalStateException("push " + k + " to " + n + " JVMs did not succeed");
                }
                long last = 0;
                for (Child child : children) {
                    int value = k;
                    String seen = child.expect(l -> l.startsWith("seen " + value + " "), WAIT, "seen " + value);
                    last = Math.max(last, Long.parseLong(seen.split(" ")[2]));
                }
                double ms = (last - started) / 1e6;
                if (k == 2) {
                    first = ms;
                } else {
                    millis.add(ms);
                }
                Thread.sleep(200);
            }
            return new Result(first, millis);
        } finally {
            for (Child child : children) {
                child.close();
            }
        }
    }
}

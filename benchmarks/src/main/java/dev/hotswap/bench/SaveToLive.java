package dev.hotswap.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Save → new behaviour for a one-file edit of a 2,000-class Maven project: from the edited
 * source file closed to the program's first output showing the edit, three ways side by side:
 * hotswap's dev mode; {@code mvn compile} with the program under hotswap's agent; and
 * {@code mvn compile} with the program restarted (what a developer without a reload tool does).
 * The program touches every class before its first output, then prints one class's value every
 * millisecond; each edit changes that class's method body.
 */
final class SaveToLive {
    static final int CLASSES = 2000;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private final Path hotswapJar;
    private final Path work;

    SaveToLive(Path hotswapJar, Path work) {
        this.hotswapJar = hotswapJar;
        this.work = work;
    }

    /** The three ways' figures, in order: dev mode, mvn compile + hotswap, mvn compile + restart. */
    record Result(List<Double> dev, List<Double> mvnHotswap, List<Double> mvnRestart, boolean mvnFound) {
    }

    /** Section 8 of BENCHMARKS.md, and its goal. */
    SpringEdit.Result section(int edits) throws Exception {
        Result r = run(edits);
        StringBuilder md = new StringBuilder("\n## 8. Save → new behaviour: dev mode, `mvn compile` + hotswap, `mvn compile` + restart\n\n")
                .append("A Maven project of ").append(CLASSES).append(" classes (those of section 1b) and a main ")
                .append("class that touches every one before its first output, then prints one class's value every ")
                .append("millisecond. Each edit rewrites that class's source with a new value, timed from the file closed to ")
                .append("the first output showing it. Dev mode: `java -jar hotswap.jar dev` (the first two edits, which ")
                .append("warm its javac, left out). `mvn compile` + hotswap: the program under `-javaagent` with its defaults, ")
                .append("`mvn -q -o compile` run after each save. Restart: `mvn -q -o compile`, then the program started anew ")
                .append("up to its first output of the value (its state lost).\n\n")
                .append("| way | edits | p50 ms | p95 ms | max ms | p50 / dev mode p50 | state kept |\n|---|---:|---:|---:|---:|---:|---|\n");
        Stats dev = Stats.of(r.dev());
        row(md, "dev mode", r.dev().size(), dev, dev, "yes");
        if (r.mvnFound()) {
            row(md, "`mvn compile` + hotswap", r.mvnHotswap().size(), Stats.of(r.mvnHotswap()), dev, "yes");
            row(md, "`mvn compile` + restart", r.mvnRestart().size(), Stats.of(r.mvnRestart()), dev, "no");
        } else {
            md.append("\n(no `mvn` on the PATH: the Maven rows were not measured)\n");
        }
        String[] goal = {"save → new behaviour ≤ 300 ms p50, one-file edit, " + CLASSES + "-class app, dev mode",
                Stats.ms(dev.p50()) + " ms", dev.p50() <= 300 ? "yes" : "**no**"};
        return new SpringEdit.Result(md.toString(), List.<String[]>of(goal));
    }

    private static void row(StringBuilder md, String way, int n, Stats s, Stats base, String kept) {
        md.append("| ").append(way).append(" | ").append(n).append(" | ").append(Stats.ms(s.p50())).append(" | ")
                .append(Stats.ms(s.p95())).append(" | ").append(Stats.ms(s.max())).append(" | ")
                .append(Stats.ratio(s.p50() / base.p50())).append(" | ").append(kept).append(" |\n");
    }

    Result run(int edits) throws Exception {
        List<Double> dev = devMode(project("dev"), edits);
        Path mvn = mvn();
        if (mvn == null) {
            return new Result(dev, List.of(), List.of(), false);
        }
        List<Double> withAgent = mvnCompile(project("mvn-agent"), edits, mvn, true);
        List<Double> restart = mvnCompile(project("mvn-restart"), Math.max(3, edits / 2), mvn, false);
        return new Result(dev, withAgent, restart, true);
    }

    private Path project(String name) throws IOException {
        Path root = Files.createDirectories(work.resolve("save-" + name));
        Path sources = Files.createDirectories(root.resolve("src/main/java/app"));
        StringBuilder touch = new StringBuilder();
        for (int i = 0; i < CLASSES; i++) {
            Files.writeString(sources.resolve("C" + i + ".java"), source(i, i));
            touch.append("        s += C").append(i).append(".touch();\n");
        }
        Files.writeString(sources.resolve("Loop.java"), """
                package app;
                public class Loop {
                    public static void main(String[] args) throws Exception {
                        long s = 0;
                %s
                        System.out.println("ready " + s);
                        while (true) {
                            System.out.println("value " + C7.value());
                            Thread.sleep(1);
                        }
                    }
                }
                """.formatted(touch));
        Files.writeString(root.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>bench</groupId>
                  <artifactId>save</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <build>
                    <plugins>
                      <plugin>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.14.0</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """);
        return root;
    }

    private static String source(int i, int k) {
        return AppGen.source(i, "    public static int value() { return " + k + "; }\n");
    }

    /** Writes the edit and returns the moment its file was closed. */
    private static long edit(Path root, int k) throws IOException {
        Files.writeString(root.resolve("src/main/java/app/C7.java"), source(7, k));
        return System.nanoTime();
    }

    private static double awaitValue(Child child, int k, long closed) throws InterruptedException {
        child.expect(l -> l.equals("value " + k), WAIT, "value " + k);
        return (System.nanoTime() - closed) / 1e6;
    }

    private List<Double> devMode(Path root, int edits) throws Exception {
        List<Double> millis = new ArrayList<>();
        try (Child child = Child.start(List.of("-jar", hotswapJar.toString(), "dev", "--main", "app.Loop",
                "--src", root.resolve("src/main/java").toString(), "--out", root.resolve("target/classes").toString(),
                "--javac", "--release", "--javac", "17"))) {
            child.expect(l -> l.startsWith("ready"), WAIT, "ready");
            for (int k = 1000; k < 1000 + edits + 2; k++) {
                Thread.sleep(200); // a developer's pause between saves
                long closed = edit(root, k);
                double ms = awaitValue(child, k, closed);
                if (k >= 1002) {
                    millis.add(ms); // the first two warm the dev JVM's javac
                }
            }
        }
        return millis;
    }

    private List<Double> mvnCompile(Path root, int edits, Path mvn, boolean agent) throws Exception {
        compile(mvn, root);
        List<String> args = new ArrayList<>();
        if (agent) {
            args.add("-javaagent:" + hotswapJar + "=verbosity=quiet");
        }
        args.addAll(List.of("-cp", root.resolve("target/classes").toString(), "app.Loop"));
        List<Double> millis = new ArrayList<>();
        Child child = Child.start(args);
        try {
            child.expect(l -> l.startsWith("ready"), WAIT, "ready");
            for (int k = 1000; k < 1000 + edits + 1; k++) {
                Thread.sleep(200);
                long closed = edit(root, k);
                compile(mvn, root);
                if (!agent) {
                    child.close();
                    child = Child.start(args);
                }
                double ms = awaitValue(child, k, closed);
                if (k >= 1001) {
                    millis.add(ms); // the first one warms the file system's caches
                }
            }
        } finally {
            child.close();
        }
        return millis;
    }

    private static void compile(Path mvn, Path root) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(mvn.toString(), "-q", "-o", "-B", "compile", "-f", root.resolve("pom.xml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("mvn compile failed in " + root);
        }
    }

    /** Maven as the user runs it: the {@code mvn} on the PATH; null when there is none. */
    private static Path mvn() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "mvn");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

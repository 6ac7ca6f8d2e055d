package dev.hotswap.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every measurement and writes BENCHMARKS.md. Usage:
 * {@code java -jar benchmarks.jar <hotswap.jar> <BENCHMARKS.md> [quick]}; {@code benchmarks/run.sh}
 * builds and calls it. Everything compared is measured in the same run, on the same machine.
 */
public final class Bench {
    private final Path hotswapJar;
    private final Path benchJar;
    private final Path work;
    private final boolean quick;
    private final StringBuilder md = new StringBuilder();
    /** Goal, figure, verdict: the summary table at the top. */
    private final List<String[]> goals = new ArrayList<>();

    private Bench(Path hotswapJar, Path benchJar, Path work, boolean quick) {
        this.hotswapJar = hotswapJar;
        this.benchJar = benchJar;
        this.work = work;
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java -jar benchmarks.jar <hotswap.jar> <BENCHMARKS.md> [quick]");
            System.exit(2);
        }
        Path benchJar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path work = Files.createTempDirectory("hotswap-bench");
        Bench bench = new Bench(Path.of(args[0]).toAbsolutePath(), benchJar, work, args.length > 2 && args[2].equals("quick"));
        try {
            bench.run(Path.of(args[1]), args.length > 3 ? List.of(args[3].split(",")) : List.of());
        } finally {
            // Generated apps and class files: hundreds of MB over a full run.
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void log(String line) {
        System.out.println("bench: " + line);
    }

    /**
     * Runs every section, or only those named (latency, oneclass, restart, startup, memory, callcost, reflectcost, spring, data,
     * save, fleet).
     */
    private void run(Path out, List<String> only) throws Exception {
        long started = System.nanoTime();
        header();
        if (only.isEmpty() || only.contains("latency")) {
            latency();
        }
        if (only.isEmpty() || only.contains("oneclass")) {
            log("one class");
            md.append(new OneClass(hotswapJar, benchJar, work).section(samples(), quick ? 3 : 7, this::goal));
        }
        if (only.isEmpty() || only.contains("restart")) {
            restart();
        }
        if (only.isEmpty() || only.contains("startup")) {
            startup();
        }
        if (only.isEmpty() || only.contains("memory")) {
            memory();
        }
        if (only.isEmpty() || only.contains("callcost")) {
            callCost();
        }
        if (only.isEmpty() || only.contains("reflectcost")) {
            reflectCost();
        }
        if (only.isEmpty() || only.contains("spring")) {
            spring();
        }
        if (only.isEmpty() || only.contains("data")) {
            data();
        }
        if (only.isEmpty() || only.contains("save")) {
            saveToLive();
        }
        if (only.isEmpty() || only.contains("fleet")) {
            fleet();
        }
        StringBuilder summary = new StringBuilder("\n## Goals at a glance\n\n| goal | measured | met? |\n|---|---|---|\n");
        for (String[] goal : goals) {
            summary.append("| ").append(goal[0]).append(" | ").append(goal[1]).append(" | ").append(goal[2]).append(" |\n");
        }
        md.insert(md.indexOf("\n## "), summary);
        md.append("\n_Whole run: ").append(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                .append(" s._\n");
        Files.writeString(out, md.toString());
        log("wrote " + out);
    }

    private void header() {
        Runtime runtime = Runtime.getRuntime();
        md.append("# hotswap benchmarks\n\n")
                .append("Produced by `benchmarks/run.sh` on ").append(LocalDate.now()).append(quick ? " (quick run: fewer samples)" : "")
                .append(". Machine: ").append(runtime.availableProcessors()).append(" cores, ")
                .append(runtime.maxMemory() / (1024 * 1024)).append(" MB max heap for the driver, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(", JDK ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(". Every comparison below was measured side by side in this one run; ratios matter more than ")
                .append("absolute times on a shared machine.\n");
    }

    private void goal(String goal, String measured, boolean met) {
        goals.add(new String[] {goal, measured, met ? "yes" : "**no**"});
    }

    private int samples() {
        return quick ? 8 : 20;
    }

    private void latency() throws Exception {
        log("latency");
        Latency latency = new Latency(hotswapJar, benchJar, work);
        md.append("\n## 1. Swap latency\n\n")
                .append("From the last `.class` file closed on disk to the running program's first output showing the new ")
                .append("behaviour (the child polls every 20 µs). ").append(samples())
                .append(" swaps per row, at a person's pace: the first two seconds after the program is ready, then one a ")
                .append("second (the first swap of a session is then the slowest, hotswap's own code running for the first ")
                .append("time; it is in the max column). By default hotswap swaps a burst of class files once no file has arrived for 3 ms ")
                .append("and the files are a complete compile (each parses; every class and member their code names in the ")
                .append("watched folders is there), and waits up to 1 s of quiet for an incomplete one; `quiet=50ms` is the ")
                .append("fixed quiet period it used before. The floor is the JDK's bare `redefineClasses` of the same bytes, ")
                .append("called directly in the child, with no file system in between. The writer here is one loop writing ")
                .append("every file; a pause of 3 ms in it cuts a burst of 100 or 1,000 independent files into batches, and a ")
                .append("row then times the last.\n\n")
                .append("| classes per swap | engine | p50 ms | p95 ms | max ms | p50 / floor p50 |\n")
                .append("|---:|---|---:|---:|---:|---:|\n");
        for (int n : new int[] {1, 100, 1000}) {
            int swaps = n == 1000 && quick ? 5 : samples();
            Stats floor = latency.floor(n, swaps);
            Map<String, Stats> rows = new LinkedHashMap<>();
            rows.put("hotswap, default", latency.hotswap(n, "", swaps));
            rows.put("hotswap structural (a method added), default", latency.hotswap(n, "", swaps, true));
            rows.put("hotswap, fixed quiet=50ms", latency.hotswap(n, "quiet=50ms", swaps));
            rows.put("floor: bare `redefineClasses`", floor);
            double[] goal = n == 1 ? new double[] {5, 10} : n == 1000 ? new double[] {150, 250} : null;
            for (Map.Entry<String, Stats> row : rows.entrySet()) {
                Stats s = row.getValue();
                if (goal != null && row.getKey().endsWith("default")) {
                    double limit = row.getKey().contains("structural") ? goal[1] : goal[0];
                    goal("swap latency p50 ≤ " + (int) limit + " ms, " + n + " class" + (n == 1 ? "" : "es") + ", "
                            + row.getKey(), Stats.ms(s.p50()) + " ms (floor " + Stats.ms(floor.p50()) + " ms)", s.p50() <= limit);
                    if (n == 1 && !row.getKey().contains("structural")) {
                        goal("swap latency p95 ≤ 20 ms, 1 class, " + row.getKey(), Stats.ms(s.p95()) + " ms (floor "
                                + Stats.ms(floor.p95()) + " ms)", s.p95() <= 20);
                    }
                }
                md.append("| ").append(n).append(" | ").append(row.getKey()).append(" | ").append(Stats.ms(s.p50()))
                        .append(" | ").append(Stats.ms(s.p95())).append(" | ").append(Stats.ms(s.max())).append(" | ")
                        .append(Stats.ratio(s.p50() / floor.p50())).append(" |\n");
            }
            log("latency " + n + " done");
        }
    }

    private void restart() throws Exception {
        log("restart-style reload");
        Latency latency = new Latency(hotswapJar, benchJar, work);
        Stats oneClass = latency.hotswap(1, "", samples());
        Stats fast = latency.hotswap(1, "quiet=50ms", samples());
        md.append("\n## 1b. Against a restart-style reload\n\n")
                .append("What Spring Boot DevTools and Quarkus dev mode do: the application lives in its own class loader ")
                .append("(a `URLClassLoader` over its classes, parent = the JDK's platform loader); a reload drops it, makes ")
                .append("a new one and runs the application's main again up to its first output. The applications are ")
                .append("javac-compiled classes, each with a field, a constructor, three methods and a lambda, all used ")
                .append("before the first output. This is before any framework start-up, and every object of the old run ")
                .append("is lost; hotswap keeps them. hotswap's row is one class swapped with its defaults.\n\n")
                .append("| reload | first (cold) ms | p50 ms | p95 ms | p50 / hotswap p50 | state kept |\n")
                .append("|---|---:|---:|---:|---:|---|\n")
                .append("| hotswap, 1 class changed | – | ").append(Stats.ms(oneClass.p50())).append(" | ")
                .append(Stats.ms(oneClass.p95())).append(" | 1.00× | yes |\n")
                .append("| hotswap, 1 class changed, fixed `quiet=50ms` | – | ").append(Stats.ms(fast.p50())).append(" | ")
                .append(Stats.ms(fast.p95())).append(" | ").append(Stats.ratio(fast.p50() / oneClass.p50())).append(" | yes |\n");
        for (int n : new int[] {50, 2000}) {
            Path classes = AppGen.generate(work.resolve("restart-" + n), n, hotswapJar);
            List<Double> millis = new ArrayList<>();
            int rounds = samples() + 1;
            try (Child child = Child.start(List.of("-cp", benchJar.toString(), RestartMain.class.getName(),
                    classes.toString(), Integer.toString(rounds)))) {
                for (int i = 0; i < rounds; i++) {
                    String line = child.expect("round " + i + " ");
                    millis.add(Long.parseLong(line.split(" ")[2]) / 1e6);
                }
            }
            double cold = millis.remove(0);
            Stats warm = Stats.of(millis);
            if (n == 2000) {
                goal("≥ 20× faster than a restart-style reload of a 2,000-class app (hotswap default, 1 class)",
                        Stats.ms(warm.p50()) + " ms vs " + Stats.ms(oneClass.p50()) + " ms = "
                                + Stats.ratio(warm.p50() / oneClass.p50()), warm.p50() >= 20 * oneClass.p50());
                goal("… and with a fixed `quiet=50ms`", Stats.ms(warm.p50()) + " ms vs " + Stats.ms(fast.p50()) + " ms = "
                        + Stats.ratio(warm.p50() / fast.p50()), warm.p50() >= 20 * fast.p50());
            }
            md.append("| restart-style, ").append(n).append("-class app | ").append(Stats.ms(cold)).append(" | ")
                    .append(Stats.ms(warm.p50())).append(" | ").append(Stats.ms(warm.p95())).append(" | ")
                    .append(Stats.ratio(warm.p50() / oneClass.p50())).append(" | no |\n");
        }
        md.append("\nGoal: hotswap ≥ 20× faster than the restart-style reload of the larger app (its p50 / hotswap p50 ≥ 20).\n");
    }

    private void startup() throws Exception {
        log("start-up");
        Path classes = AppGen.generate(work.resolve("startup"), 2000, hotswapJar);
        String cp = classes + File.pathSeparator + hotswapJar;
        Map<String, List<String>> modes = new LinkedHashMap<>();
        modes.put("no agent", List.of("-cp", cp, "app.Main"));
        modes.put("`-javaagent:hotswap.jar`", List.of("-javaagent:" + hotswapJar, "-cp", cp, "app.Main"));
        modes.put("`Hotswap.start()` (self-attach)", List.of("-cp", cp, "app.MainLib"));
        // Another hotswap jar (an earlier build) in the same run, for a ratio between the two: -Dbench.baselineJar=PATH.
        String baseline = System.getProperty("bench.baselineJar", "");
        if (!baseline.isEmpty()) {
            String label = System.getProperty("bench.baselineLabel", Path.of(baseline).getFileName().toString());
            String baselineCp = classes + File.pathSeparator + baseline;
            modes.put("`-javaagent`, " + label, List.of("-javaagent:" + baseline, "-cp", baselineCp, "app.Main"));
            modes.put("`Hotswap.start()`, " + label, List.of("-cp", baselineCp, "app.MainLib"));
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        modes.keySet().forEach(k -> times.put(k, new ArrayList<>()));
        int rounds = quick ? 5 : 15;
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, List<String>> mode : modes.entrySet()) {
                try (Child child = Child.start(mode.getValue())) {
                    child.expect("ready ");
                    times.get(mode.getKey()).add((System.nanoTime() - child.startedNanos) / 1e6);
                }
            }
        }
        double plain = Stats.of(times.get("no agent")).p50();
        md.append("\n## 3. Start-up\n\n")
                .append("Time from starting `java` to the first line of output of an application that loads 2,000 classes ")
                .append("(javac-compiled, each used before that line). ").append(rounds)
                .append(" runs per mode, interleaved.\n\n| mode | p50 ms | p95 ms | p50 / no agent |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, List<Double>> mode : times.entrySet()) {
            Stats s = Stats.of(mode.getValue());
            md.append("| ").append(mode.getKey()).append(" | ").append(Stats.ms(s.p50())).append(" | ")
                    .append(Stats.ms(s.p95())).append(" | ").append(Stats.ratio(s.p50() / plain)).append(" |\n");
            if (!mode.getKey().equals("no agent") && !mode.getKey().contains("`, ")) {
                double limit = mode.getKey().contains("javaagent") ? 1.2 : 1.3;
                goal("start-up ≤ " + limit + "× of no agent, " + mode.getKey(), Stats.ratio(s.p50() / plain),
                        s.p50() <= limit * plain);
            }
        }
        md.append("\nGoals: ≤ 1.2× with `-javaagent`, ≤ 1.3× with `Hotswap.start()`. Self-attach loads the agent ")
                .append("through the JVM's attach mechanism, spoken to itself on ")
                .append("Linux (a helper JVM elsewhere), and prints the JDK's warning on 21+; `-javaagent` is the way to start ")
                .append("fastest.\n");
    }

    private static final String MEMORY_VERBOSITY = System.getProperty("bench.memory.verbosity", "quiet");

    private void memory() throws Exception {
        log("memory");
        md.append("\n## 4. Memory\n\n")
                .append("One class swapped again and again through the real pipeline (file written, watcher, swap; ")
                .append("`quiet=0ms`), each version with a new string constant. Heap and Metaspace in use after two ")
                .append("`System.gc()` calls in the child. Body swaps go through the JVM's `redefineClasses`; ")
                .append("structural swaps (each version adds a method) through hotswap's engine, whose versions are ")
                .append("hidden classes.\n\n| swaps | kind | heap MB | Metaspace MB | ms per swap since the previous row |\n")
                .append("|---:|---|---:|---:|---:|\n");
        memory(false);
        memory(true);
        md.append("\nPlain `redefineClasses` keeps every old version's constants (and each redefinition gets slower): ")
                .append("Metaspace grows with each body swap and is never given back. The engine's superseded versions ")
                .append("are unloaded: the integration test `StructuralSoakTest` runs 1,000 structural edits with 400 ")
                .append("new constants each in `-XX:MaxMetaspaceSize=32m`.\n");
    }

    private void memory(boolean structural) throws Exception {
        String kind = structural ? "structural" : "body";
        Path dir = Files.createDirectories(work.resolve("memory-" + kind));
        Files.write(dir.resolve("Text.class"), ClassGen.text("Text", "version 0"));
        Files.write(dir.resolve("Caller.class"), ClassGen.caller("Caller", "Text"));
        int[] checkpoints = quick ? new int[] {0, 200, 1000} : new int[] {0, 1000, 10000};
        double metaAtStart = 0;
        try (Child child = Child.start(List.of("-javaagent:" + hotswapJar + "=quiet=0ms,verbosity=" + MEMORY_VERBOSITY,
                "-cp", dir + File.pathSeparator + benchJar, MemoryMain.class.getName()))) {
            child.expect("ready ");
            int done = 0;
            for (int checkpoint : checkpoints) {
                long started = System.nanoTime();
                for (; done < checkpoint; ) {
                    done++;
                    Files.write(dir.resolve("Text.class"), ClassGen.text("Text", "version " + done, structural));
                    child.expect("seen version " + done);
                }
                double perSwap = checkpoint == 0 ? 0 : (System.nanoTime() - started) / 1e6
                        / (checkpoint - (checkpoint == checkpoints[0] ? 0 : Stats.previous(checkpoints, checkpoint)));
                child.send("mem");
                String[] mem = child.expect("mem ").split(" ");
                double meta = Long.parseLong(mem[2]) / (1024.0 * 1024.0);
                if (checkpoint == 0) {
                    metaAtStart = meta;
                } else if (checkpoint == checkpoints[checkpoints.length - 1]) {
                    goal("memory bounded: Metaspace within 5 MB of the start after " + checkpoint + " " + kind + " swaps",
                            String.format(Locale.ROOT, "+%.1f MB", meta - metaAtStart), meta - metaAtStart <= 5);
                }
                md.append("| ").append(checkpoint).append(" | ").append(kind).append(" | ").append(Stats.mb(mem[1])).append(" | ")
                        .append(Stats.mb(mem[2])).append(" | ").append(checkpoint == 0 ? "–" : Stats.ms(perSwap)).append(" |\n");
                log("memory " + kind + " at " + checkpoint);
            }
        }
    }


    private void callCost() throws Exception {
        log("call cost (JMH)");
        Map<String, RunResult> results = new LinkedHashMap<>();
        Map<String, Integer> configs = new LinkedHashMap<>();
        configs.put("no agent", -1);
        configs.put("agent loaded, never swapped", 0);
        configs.put("agent, after 1 body swap", 1);
        configs.put("agent, after 100 body swaps", 100);
        configs.put("agent, after 1 structural swap", 1);
        configs.put("agent, after 100 structural swaps", 100);
        configs.put("agent, hidden versions, after 100 body swaps", 100);
        configs.put("agent, hidden versions, after 1 structural swap", 1);
        configs.put("agent, hidden versions, after 100 structural swaps", 100);
        configs.put("agent, hidden versions, after 1,000 structural swaps", 1000);
        for (Map.Entry<String, Integer> config : configs.entrySet()) {
            Path dir = Files.createDirectories(work.resolve("callcost-" + results.size()));
            Files.write(dir.resolve("Hot.class"), ClassGen.operator("Hot", 0));
            List<String> jvm = new ArrayList<>(List.of("-D" + CallCost.DIR + "=" + dir, "-Xmx512m"));
            if (config.getValue() >= 0) {
                jvm.add(0, "-javaagent:" + hotswapJar + "=quiet=0ms,verbosity=quiet,watch=" + dir);
            }
            if (config.getKey().contains("hidden versions")) {
                jvm.add("-Dhotswap.versions=hidden");
            }
            Options options = jmh(CallCost.class.getName() + ".call", Math.max(0, config.getValue()),
                    config.getKey().contains("structural"), jvm).shouldDoGC(true).build();
            results.put(config.getKey(), new Runner(options).runSingle());
        }
        double base = results.get("no agent").getPrimaryResult().getScore();
        md.append("\n## 2. Call cost (JMH)\n\n")
                .append("A small hot instance method (`mul(x) + k`, where `mul` is a private method returning `x * m` of a private ")
                .append("field `m`; called through an interface, monomorphic, a chain of ")
                .append(CallCost.CALLS).append(" dependent calls per JMH operation) of a class ")
                .append("loaded from a watched folder; one JMH fork set per configuration, average time per call. Swaps ")
                .append("are made through the real pipeline in the fork's setup. Error is JMH's 99.9% confidence half-width.\n\n")
                .append("| configuration | ns per call | ± error | ratio to no agent |\n|---|---:|---:|---:|\n");
        for (Map.Entry<String, RunResult> result : results.entrySet()) {
            var r = result.getValue().getPrimaryResult();
            md.append("| ").append(result.getKey()).append(" | ").append(String.format(Locale.ROOT, "%.3f", r.getScore()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", r.getScoreError())).append(" | ")
                    .append(Stats.ratio(r.getScore() / base)).append(" |\n");
            if (!result.getKey().equals("no agent")) {
                goal("call cost within 1.05× of no agent, " + result.getKey(),
                        Stats.ratio(r.getScore() / base) + " (± " + String.format(Locale.ROOT, "%.3f", r.getScoreError()) + " ns)",
                        r.getScore() <= 1.05 * base);
            }
        }
        md.append("\nGoal: every ratio within 1.05. Body swaps go through the JVM's own redefinition, which leaves no ")
                .append("indirection behind. A structural swap leaves the method an `invokedynamic` entry on a ")
                .append("`MutableCallSite` that the JIT inlines through; from a class's third body swap on, the engine ")
                .append("takes body swaps too. Versions are named by default: they reach the private field and method through ")
                .append("`invokedynamic` sites linked by the engine; hidden versions (`-Dhotswap.versions=hidden`) are ")
                .append("nestmates and read them directly.\n");
    }

    private void reflectCost() throws Exception {
        log("reflection cost (JMH)");
        String[][] configs = {{"no agent", "-1", "false"}, {"agent loaded, never swapped", "0", "false"},
                {"agent, after 1 structural swap", "1", "true"}};
        Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
        Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
        for (String[] config : configs) {
            Path dir = Files.createDirectories(work.resolve("reflectcost-" + scores.size()));
            Files.write(dir.resolve("Hot.class"), ClassGen.operator("Hot", 0));
            List<String> jvm = new ArrayList<>(List.of("-D" + CallCost.DIR + "=" + dir, "-Xmx512m"));
            if (!config[1].equals("-1")) {
                jvm.add(0, "-javaagent:" + hotswapJar + "=quiet=0ms,verbosity=quiet,watch=" + dir);
            }
            Options options = jmh(ReflectCost.class.getName() + ".(invoke|lookup" + (config[2].equals("true") ? "|invokeAdded" : "")
                    + ")$", Math.max(0, Integer.parseInt(config[1])), config[2].equals("true"), jvm).build();
            Map<String, Double> score = new LinkedHashMap<>();
            Map<String, Double> error = new LinkedHashMap<>();
            for (RunResult r : new Runner(options).run()) {
                String name = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
                score.put(name, r.getPrimaryResult().getScore());
                error.put(name, r.getPrimaryResult().getScoreError());
            }
            scores.put(config[0], score);
            errors.put(config[0], error);
        }
        Map<String, Double> base = scores.get("no agent");
        md.append("\n## 6. Reflection cost (JMH)\n\n")
                .append("The class of section 2, loaded from a watched folder: `Method.invoke` of its method, and `getMethod` ")
                .append("by name (a copy from the JDK's cache, which hotswap's hooks fill on a miss). After a structural swap ")
                .append("the class answers from its newest version: its loaded method is invoked through the JDK's accessor and its ")
                .append("entry, the added one through hotswap's accessor. Average time per operation; error is JMH's 99.9% ")
                .append("confidence half-width.\n\n")
                .append("| configuration | `invoke` ns | ratio | `getMethod` ns | ratio | added method's `invoke` ns |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, Double>> row : scores.entrySet()) {
            Map<String, Double> s = row.getValue();
            Map<String, Double> e = errors.get(row.getKey());
            md.append("| ").append(row.getKey())
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f ± %.1f", s.get("invoke"), e.get("invoke")))
                    .append(" | ").append(Stats.ratio(s.get("invoke") / base.get("invoke")))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f ± %.1f", s.get("lookup"), e.get("lookup")))
                    .append(" | ").append(Stats.ratio(s.get("lookup") / base.get("lookup")))
                    .append(" | ").append(s.containsKey("invokeAdded")
                            ? String.format(Locale.ROOT, "%.1f ± %.1f", s.get("invokeAdded"), e.get("invokeAdded")) : "–")
                    .append(" |\n");
        }
        Map<String, Double> never = scores.get("agent loaded, never swapped");
        goal("reflective call within 1.05× of no agent, class never swapped",
                Stats.ratio(never.get("invoke") / base.get("invoke")), never.get("invoke") <= 1.05 * base.get("invoke"));
        md.append("\nGoal: a reflective call on a class never swapped within 1.05× of no agent. The cost on a swapped ")
                .append("class is stated, not a goal.\n");
    }

    /** The JMH options both call-cost sections share: forks, iterations, the child JVM's flags. */
    private org.openjdk.jmh.runner.options.ChainedOptionsBuilder jmh(String include, int swaps, boolean structural,
                                                                     List<String> jvm) {
        return new OptionsBuilder()
                .include(include)
                .param("swaps", Integer.toString(swaps))
                .param("structural", Boolean.toString(structural))
                .jvmArgs(jvm.toArray(String[]::new))
                .forks(quick ? 1 : 2)
                .warmupIterations(quick ? 2 : 4)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 6)
                .measurementTime(TimeValue.seconds(1));
    }

    private void saveToLive() throws Exception {
        log("save -> new behaviour");
        SpringEdit.Result r = new SaveToLive(hotswapJar, work).section(quick ? 4 : 10);
        md.append(r.markdown());
        goals.addAll(r.goals());
    }

    private void fleet() throws Exception {
        log("push to local JVMs");
        md.append(new FleetPush(hotswapJar, benchJar, work).section(quick ? 3 : 8));
    }

    private void spring() throws Exception {
        log("spring edit -> first correct response");
        int n = quick ? 4 : 10;
        SpringEdit.Result result = new SpringEdit(hotswapJar, benchJar.getParent().resolve("spring"), work).run(n);
        md.append("\n## 7. A Spring Boot edit: hotswap against a DevTools restart\n\n")
                .append("A Spring Boot 3.5.7 web app (a controller with a request counter, a DTO written as JSON), started ")
                .append("once per mode; each edit is made ").append(n).append(" times, on and off again (a field added, then ")
                .append("removed; a mapping added, then removed), as a build makes it: the changed class file written into ")
                .append("the classes folder, and timed from then to the first HTTP answer on loopback showing it. hotswap ")
                .append("runs as `-javaagent` with its defaults; DevTools (`spring-boot-devtools` on the class path, no ")
                .append("agent) with its defaults (a 1 s poll, a 400 ms quiet period, then a restart of the context in a ")
                .append("new class loader). \"State kept\": the controller's request counter went on through every edit.\n\n")
                .append(result.markdown());
        goals.addAll(result.goals());
    }

    private void data() throws Exception {
        log("spring data edit -> first correct response");
        int n = quick ? 4 : 10;
        int launches = quick ? 2 : 3;
        // The jars of integration-tests/data3-jars (built before this module), or -Dbench.dataJars=FOLDER.
        Path jars = Path.of(System.getProperty("bench.dataJars",
                benchJar.getParent().resolve("../../integration-tests/data3-jars/target/jars").normalize().toString()));
        SpringEdit.Result result = new DataEdit(hotswapJar, jars, work).run(n, launches);
        md.append(DataEdit.description(n, launches)).append(result.markdown());
        goals.addAll(result.goals());
    }
}

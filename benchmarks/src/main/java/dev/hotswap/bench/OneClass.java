package dev.hotswap.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One class swapped with the defaults, looked at closely: where the time of a swap goes, stage by
 * stage (hotswap's own {@code -Dhotswap.timings=true} lines), and the swap into a program that
 * prints every 10 ms against a cold start of that same program, measured side by side.
 */
final class OneClass {
    /** The stages of hotswap's timings line, in its order, with what runs in each. */
    static final Map<String, String> STAGES = stages();

    private final Path hotswapJar;
    private final Path benchJar;
    private final Path work;

    OneClass(Path hotswapJar, Path benchJar, Path work) {
        this.hotswapJar = hotswapJar;
        this.benchJar = benchJar;
        this.work = work;
    }

    private static Map<String, String> stages() {
        Map<String, String> stages = new LinkedHashMap<>();
        stages.put("settle", "no new file for the settle time (3 ms); the file is read and parsed meanwhile");
        stages.put("complete", "the completeness check (every class and member the code names is there)");
        stages.put("read", "the batch's files read; the check's parse taken for the same bytes");
        stages.put("plan", "loaded classes found, changes classified, link check, plan");
        stages.put("commit", "the redefinition, or the engine's new version and relink");
        stages.put("publish", "what runs recorded, frameworks told");
        stages.put("report", "the outcome told (quiet: no line)");
        stages.put("total", "from the file handed over by the watcher to the outcome told");
        return stages;
    }

    /** Stage → its times over {@code swaps} swaps, in ms; "e2e" → file closed to the new value seen. */
    Map<String, List<Double>> stages(int swaps) throws Exception {
        Path dir = app("stages");
        Map<String, List<Double>> result = new LinkedHashMap<>();
        STAGES.keySet().forEach(k -> result.put(k, new ArrayList<>()));
        result.put("e2e", new ArrayList<>());
        try (Child child = Child.start(List.of("-Dhotswap.timings=true", "-javaagent:" + hotswapJar + "=verbosity=quiet",
                "-cp", dir + File.pathSeparator + benchJar, ProbeMain.class.getName()))) {
            child.expect("ready 1");
            Thread.sleep(Latency.FIRST_EDIT_MS);
            for (int k = 2; k < swaps + 2; k++) {
                Files.write(dir.resolve("P0.class"), ClassGen.probe("P0", k));
                long closed = System.nanoTime();
                String wanted = "seen " + k + " ";
                // Two threads print: the timings line may come before or after the new value is seen.
                String seen = null;
                String timings = null;
                while (seen == null || timings == null) {
                    String line = child.expect(l -> l.startsWith(wanted) || l.startsWith("hotswap timings"),
                            java.time.Duration.ofSeconds(30), wanted + " / the timings line");
                    if (line.startsWith(wanted)) {
                        seen = line;
                    } else {
                        timings = line;
                    }
                }
                result.get("e2e").add((Long.parseLong(seen.split(" ")[2]) - closed) / 1e6);
                parse(timings, result);
                Thread.sleep(Latency.PACE_MS); // each swap its own compile, at a person's pace
            }
        }
        return result;
    }

    /** {@code hotswap timings (ms), 1 class: settle 3.05, complete 0.41, ...; total 5.80 since seen}. */
    private static void parse(String line, Map<String, List<Double>> into) {
        String stages = line.substring(line.indexOf(": ") + 2).replace("since seen", "");
        for (String part : stages.split("[,;]")) {
            String[] words = part.strip().split(" ");
            if (words.length == 2 && into.containsKey(words[0])) {
                into.get(words[0]).add(Double.parseDouble(words[1]));
            }
        }
    }

    /** File closed → first line of the printing program showing the new value, for {@code swaps} swaps. */
    Stats printing(int swaps) throws Exception {
        Path dir = app("printing");
        List<Double> millis = new ArrayList<>();
        try (Child child = Child.start(List.of("-javaagent:" + hotswapJar + "=verbosity=quiet",
                "-cp", dir + File.pathSeparator + benchJar, TickMain.class.getName()))) {
            child.expect("tick 1 ");
            Thread.sleep(Latency.FIRST_EDIT_MS);
            for (int k = 2; k < swaps + 2; k++) {
                Files.write(dir.resolve("P0.class"), ClassGen.probe("P0", k));
                long closed = System.nanoTime();
                String seen = child.expect("tick " + k + " ");
                millis.add((Long.parseLong(seen.split(" ")[2]) - closed) / 1e6);
                Thread.sleep(Latency.PACE_MS);
            }
        }
        return Stats.of(millis);
    }

    /** JVM launched → the printing program's first line, without hotswap, {@code runs} times. */
    Stats coldStart(int runs) throws Exception {
        Path dir = app("cold");
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (Child child = Child.start(List.of("-cp", dir + File.pathSeparator + benchJar, TickMain.class.getName()))) {
                String first = child.expect("tick 1 ");
                millis.add((Long.parseLong(first.split(" ")[2]) - child.startedNanos) / 1e6);
            }
        }
        return Stats.of(millis);
    }

    /** What a section reports as a goal. */
    interface Goals {
        void goal(String goal, String measured, boolean met);
    }

    /** Section 1c of BENCHMARKS.md: the stage table, then the printing program against its cold start. */
    String section(int swaps, int coldRuns, Goals goals) throws Exception {
        Map<String, List<Double>> stages = stages(swaps);
        Stats printing = printing(swaps);
        Stats cold = coldStart(coldRuns);
        StringBuilder md = new StringBuilder("\n## 1c. One class: where the time goes, and against a cold start\n\n")
                .append("One class (`P0`, a body change) swapped ").append(swaps).append(" times with the defaults ")
                .append("(`verbosity=quiet`) into the polling program of section 1, with `-Dhotswap.timings=true`: hotswap's ")
                .append("own line per batch, each stage timed from the end of the one before (\"settle\" from the watcher ")
                .append("handing over the file). \"File closed → seen\" is section 1's measure for the same swaps. From a ")
                .append("class's third body swap on the structural engine takes it; the first swap of a session runs the ")
                .append("pipeline cold, and is most of the p95.\n\n")
                .append("| stage | what runs | p50 ms | p95 ms | first swap ms |\n|---|---|---:|---:|---:|\n");
        for (Map.Entry<String, String> stage : STAGES.entrySet()) {
            List<Double> times = stages.get(stage.getKey());
            Stats s = Stats.of(times);
            md.append("| ").append(stage.getKey().equals("total") ? "**total**" : stage.getKey()).append(" | ")
                    .append(stage.getValue()).append(" | ").append(Stats.ms(s.p50())).append(" | ").append(Stats.ms(s.p95()))
                    .append(" | ").append(Stats.ms(times.get(0))).append(" |\n");
        }
        Stats e2e = Stats.of(stages.get("e2e"));
        md.append("| file closed → seen | the watcher's event, the stages above, the program's next poll | ")
                .append(Stats.ms(e2e.p50())).append(" | ").append(Stats.ms(e2e.p95())).append(" | ")
                .append(Stats.ms(stages.get("e2e").get(0))).append(" |\n");
        md.append("\nThe same swap into a program that prints every 10 ms (`TickMain`: the change seen at its next line), ")
                .append(swaps).append(" swaps, against a cold start of that program without hotswap, JVM launched to its ")
                .append("first line (").append(coldRuns).append(" runs), in the same run:\n\n")
                .append("| | p50 ms | p95 ms | cold start p50 / swap p50 |\n|---|---:|---:|---:|\n")
                .append("| hotswap, 1 class, defaults | ").append(Stats.ms(printing.p50())).append(" | ")
                .append(Stats.ms(printing.p95())).append(" | ").append(Stats.ratio(cold.p50() / printing.p50())).append(" |\n")
                .append("| cold start of the program | ").append(Stats.ms(cold.p50())).append(" | ").append(Stats.ms(cold.p95()))
                .append(" | 1.00× |\n");
        goals.goal("swap latency p50 ≤ 10 ms into a program printing every 10 ms, 1 class, default",
                Stats.ms(printing.p50()) + " ms", printing.p50() <= 10);
        goals.goal("… ≥ 10× faster than a cold start of that program", Stats.ms(cold.p50()) + " ms vs "
                + Stats.ms(printing.p50()) + " ms = " + Stats.ratio(cold.p50() / printing.p50()), cold.p50() >= 10 * printing.p50());
        return md.toString();
    }

    private Path app(String label) throws java.io.IOException {
        Path dir = Files.createDirectories(work.resolve("one-class-" + label));
        Files.write(dir.resolve("P0.class"), ClassGen.probe("P0", 1));
        Files.write(dir.resolve("Sum.class"), ClassGen.sum("Sum", List.of("P0")));
        return dir;
    }
}

package dev.hotswap.bench;

import dev.hotswap.bench.WebApp.Answer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Edit → first correct response in a Spring Boot web app, side by side: hotswap (agent, default
 * options) against a Spring Boot DevTools restart (its defaults), same app, same edits, same
 * run. Each edit is made as a build makes it (the changed class files written into the classes
 * folder) and timed from the last file written to the first HTTP answer showing it; a request
 * counter says whether the app's state survived.
 */
final class SpringEdit {
    /** One kind of edit: the class it changes, and how to tell each of its two versions over HTTP. */
    private record Edit(String label, String variant, String file, String path, Predicate<Answer> on, Predicate<Answer> off) {
    }

    /** The rows for BENCHMARKS.md, and the goals they meet or miss. */
    record Result(String markdown, List<String[]> goals) {
    }

    private static final List<Edit> EDITS = List.of(
            new Edit("a string returned by an endpoint", "hello", "shop/ShopController.class", "/hello",
                    a -> a.status() == 200 && a.body().equals("hello B"), a -> a.status() == 200 && a.body().equals("hello A")),
            new Edit("a field + getter added to a response DTO (JSON)", "item", "shop/Item.class", "/items",
                    a -> a.status() == 200 && a.body().contains("\"price\""), a -> a.status() == 200 && !a.body().contains("\"price\"")),
            new Edit("a new `@GetMapping` in a controller", "mapping", "shop/ShopController.class", "/new",
                    a -> a.status() == 200 && a.body().equals("new"), a -> a.status() == 404));

    private final Path hotswapJar;
    private final Path libs;
    private final Path work;
    private final WebApp web = new WebApp();

    SpringEdit(Path hotswapJar, Path libs, Path work) {
        this.hotswapJar = hotswapJar;
        this.libs = libs;
        this.work = work;
    }

    Result run(int samples) throws Exception {
        Map<String, Path> variants = new LinkedHashMap<>();
        for (String v : List.of("base", "hello", "item", "mapping")) {
            variants.put(v, compile(v));
        }
        StringBuilder md = new StringBuilder();
        List<String[]> goals = new ArrayList<>();
        Map<String, Map<String, Stats>> byMode = new LinkedHashMap<>();
        Map<String, Boolean> stateKept = new LinkedHashMap<>();
        for (String mode : List.of("hotswap", "DevTools")) {
            Map<String, Stats> rows = new LinkedHashMap<>();
            boolean kept = measure(mode, variants, samples, rows);
            byMode.put(mode, rows);
            stateKept.put(mode, kept);
        }
        List<Double> cold = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cold.add(coldStart(variants.get("base")));
        }
        Stats restart = Stats.of(cold);
        md.append("| edit | hotswap p50 ms | p95 ms | DevTools restart p50 ms | p95 ms | DevTools p50 / hotswap p50 |"
                        + " state kept (hotswap / DevTools) |\n")
                .append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Edit e : EDITS) {
            Stats h = byMode.get("hotswap").get(e.label);
            Stats d = byMode.get("DevTools").get(e.label);
            md.append(WebApp.row(e.label, h, d, stateKept.get("hotswap"), stateKept.get("DevTools")));
            goals.add(WebApp.tenTimes("Spring edit → first correct response ≥ 10× faster than a DevTools restart, state kept: "
                    + e.label, h, d, stateKept.get("hotswap")));
        }
        md.append("| (a cold start of the same app, JVM launch to first answer, for scale) | – | – | ")
                .append(Stats.ms(restart.p50())).append(" | ").append(Stats.ms(restart.max())).append(" | – | no |\n");
        return new Result(md.toString(), goals);
    }

    /** Starts the app in one mode, makes every edit {@code samples} times (on, off, on, …); true when the counter never went back. */
    private boolean measure(String mode, Map<String, Path> variants, int samples, Map<String, Stats> rows) throws Exception {
        Path classes = Files.createDirectories(work.resolve("spring-" + mode));
        WebApp.copyTree(variants.get("base"), classes);
        int port = WebApp.freePort();
        List<String> args = new ArrayList<>();
        boolean devtools = mode.equals("DevTools");
        if (!devtools) {
            args.add("-javaagent:" + hotswapJar);
        }
        args.addAll(List.of("-cp", classes + File.pathSeparator + classPath(devtools), "shop.ShopApp",
                "--server.port=" + port, "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                "--spring.devtools.livereload.enabled=false", "--logging.level.root=WARN"));
        boolean kept = true;
        try (Child app = Child.start(args)) {
            String base = "http://127.0.0.1:" + port;
            web.await(base + "/count", a -> a.status() == 200, Duration.ofSeconds(90));
            int count = Integer.parseInt(web.get(base + "/count").body().strip());
            for (Edit e : EDITS) {
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    boolean on = i % 2 == 0;
                    byte[] bytes = Files.readAllBytes(variants.get(on ? e.variant : "base").resolve(e.file));
                    Files.write(classes.resolve(e.file), bytes);
                    long written = System.nanoTime();
                    web.await(base + e.path, on ? e.on : e.off, Duration.ofSeconds(60));
                    millis.add((System.nanoTime() - written) / 1e6);
                    int now = Integer.parseInt(web.await(base + "/count", a -> a.status() == 200, Duration.ofSeconds(60)).body().strip());
                    kept &= now > count;
                    count = now;
                }
                rows.put(e.label, Stats.of(millis));
            }
        }
        return kept;
    }

    /** JVM launch to the first correct answer of the unchanged app (no agent, no DevTools). */
    private double coldStart(Path classes) throws Exception {
        int port = WebApp.freePort();
        long started = System.nanoTime();
        try (Child app = Child.start(List.of("-cp", classes + File.pathSeparator + classPath(false), "shop.ShopApp",
                "--server.port=" + port, "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"))) {
            web.await("http://127.0.0.1:" + port + "/hello", a -> a.status() == 200 && a.body().equals("hello A"),
                    Duration.ofSeconds(90));
            return (System.nanoTime() - started) / 1e6;
        }
    }

    private String classPath(boolean devtools) throws IOException {
        return WebApp.classPath(libs, name -> devtools || !name.startsWith("spring-boot-devtools"));
    }

    /** The app with one edit made ({@code base}: none). */
    private Path compile(String variant) throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("shop/ShopApp.java", WebApp.mainClass("shop", "ShopApp"));
        sources.put("shop/Item.java", """
                package shop;
                public class Item {
                    private String name = "pen";
                    public String getName() { return name; }
                %s}
                """.formatted(variant.equals("item") ? "    private int price = 3;\n    public int getPrice() { return price; }\n" : ""));
        sources.put("shop/ShopController.java", """
                package shop;
                import org.springframework.web.bind.annotation.GetMapping;
                import org.springframework.web.bind.annotation.RestController;
                @RestController
                public class ShopController {
                    private int hits;
                    @GetMapping("/count")
                    public int count() { return ++hits; }
                    @GetMapping("/hello")
                    public String hello() { hits++; return "%s"; }
                    @GetMapping("/items")
                    public Item items() { hits++; return new Item(); }
                %s}
                """.formatted(variant.equals("hello") ? "hello B" : "hello A", variant.equals("mapping")
                ? "    @GetMapping(\"/new\")\n    public String fresh() { hits++; return \"new\"; }\n" : ""));
        return WebApp.compile(work.resolve("spring-src-" + variant), work.resolve("spring-classes-" + variant), sources,
                classPath(false));
    }
}

package dev.hotswap.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

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

    private record Answer(int status, String body) {
    }

    /** The rows for BENCHMARKS.md, and the goals they meet or miss. */
    record Result(String markdown, List<String[]> goals) {
    }

    private static final List<Edit> EDITS = List.of(
            new Edit("a string returned by an endpoint", "hello", "shop/ShopController.class", "/hello",
                    a -> a.status == 200 && a.body.equals("hello B"), a -> a.status == 200 && a.body.equals("hello A")),
            new Edit("a field + getter added to a response DTO (JSON)", "item", "shop/Item.class", "/items",
                    a -> a.status == 200 && a.body.contains("\"price\""), a -> a.status == 200 && !a.body.contains("\"price\"")),
            new Edit("a new `@GetMapping` in a controller", "mapping", "shop/ShopController.class", "/new",
                    a -> a.status == 200 && a.body.equals("new"), a -> a.status == 404));

    private final Path hotswapJar;
    private final Path libs;
    private final Path work;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
            double ratio = d.p50() / h.p50();
            md.append("| ").append(e.label).append(" | ").append(Stats.ms(h.p50())).append(" | ").append(Stats.ms(h.p95()))
                    .append(" | ").append(Stats.ms(d.p50())).append(" | ").append(Stats.ms(d.p95())).append(" | ")
                    .append(Stats.ratio(ratio)).append(" | ").append(stateKept.get("hotswap") ? "yes" : "**no**").append(" / ")
                    .append(stateKept.get("DevTools") ? "yes" : "no").append(" |\n");
            goals.add(new String[] {"Spring edit → first correct response ≥ 10× faster than a DevTools restart, state kept: "
                    + e.label, Stats.ms(h.p50()) + " ms vs " + Stats.ms(d.p50()) + " ms = " + Stats.ratio(ratio),
                    ratio >= 10 && stateKept.get("hotswap") ? "yes" : "**no**"});
        }
        md.append("| (a cold start of the same app, JVM launch to first answer, for scale) | – | – | ")
                .append(Stats.ms(restart.p50())).append(" | ").append(Stats.ms(restart.max())).append(" | – | no |\n");
        return new Result(md.toString(), goals);
    }

    /** Starts the app in one mode, makes every edit {@code samples} times (on, off, on, …); true when the counter never went back. */
    private boolean measure(String mode, Map<String, Path> variants, int samples, Map<String, Stats> rows) throws Exception {
        Path classes = Files.createDirectories(work.resolve("spring-" + mode));
        copyTree(variants.get("base"), classes);
        int port = freePort();
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
            await(base + "/count", a -> a.status == 200, Duration.ofSeconds(90));
            int count = Integer.parseInt(get(base + "/count").body.strip());
            for (Edit e : EDITS) {
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    boolean on = i % 2 == 0;
                    byte[] bytes = Files.readAllBytes(variants.get(on ? e.variant : "base").resolve(e.file));
                    Files.write(classes.resolve(e.file), bytes);
                    long written = System.nanoTime();
                    await(base + e.path, on ? e.on : e.off, Duration.ofSeconds(60));
                    millis.add((System.nanoTime() - written) / 1e6);
                    int now = Integer.parseInt(await(base + "/count", a -> a.status == 200, Duration.ofSeconds(60)).body.strip());
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
        int port = freePort();
        long started = System.nanoTime();
        try (Child app = Child.start(List.of("-cp", classes + File.pathSeparator + classPath(false), "shop.ShopApp",
                "--server.port=" + port, "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"))) {
            await("http://127.0.0.1:" + port + "/hello", a -> a.status == 200 && a.body.equals("hello A"), Duration.ofSeconds(90));
            return (System.nanoTime() - started) / 1e6;
        }
    }

    private String classPath(boolean devtools) throws IOException {
        try (Stream<Path> jars = Files.list(libs)) {
            return jars.filter(p -> p.toString().endsWith(".jar"))
                    .filter(p -> devtools || !p.getFileName().toString().startsWith("spring-boot-devtools"))
                    .map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
        }
    }

    private Answer await(String url, Predicate<Answer> wanted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Answer last = new Answer(0, "");
        while (System.nanoTime() < deadline) {
            try {
                last = get(url);
                if (wanted.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // restarting, or not listening yet
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no expected answer from " + url + " within " + timeout.toSeconds() + " s; last: "
                + last.status + " " + last.body);
    }

    private Answer get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The app with one edit made ({@code base}: none). */
    private Path compile(String variant) throws IOException {
        Path src = Files.createDirectories(work.resolve("spring-src-" + variant + "/shop"));
        Path out = Files.createDirectories(work.resolve("spring-classes-" + variant));
        Files.writeString(src.resolve("ShopApp.java"), """
                package shop;
                import org.springframework.boot.SpringApplication;
                import org.springframework.boot.autoconfigure.SpringBootApplication;
                @SpringBootApplication
                public class ShopApp {
                    public static void main(String[] args) {
                        SpringApplication.run(ShopApp.class, args);
                    }
                }
                """);
        Files.writeString(src.resolve("Item.java"), """
                package shop;
                public class Item {
                    private String name = "pen";
                    public String getName() { return name; }
                %s}
                """.formatted(variant.equals("item") ? "    private int price = 3;\n    public int getPrice() { return price; }\n" : ""));
        Files.writeString(src.resolve("ShopController.java"), """
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
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream messages = new java.io.ByteArrayOutputStream();
        List<String> options = List.of("-d", out.toString(), "-proc:none", "-cp", classPath(false));
        List<String> files;
        try (Stream<Path> s = Files.list(src)) {
            files = s.map(Path::toString).toList();
        }
        List<String> all = new ArrayList<>(options);
        all.addAll(files);
        if (javac.run(null, messages, messages, all.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("the Spring app did not compile: " + messages);
        }
        return out;
    }
}

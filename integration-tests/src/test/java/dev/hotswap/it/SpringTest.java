package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spring Boot web app (Spring's own jars, never recompiled), started once as a child JVM
 * with the packaged agent, answering HTTP on loopback; walked through the edits a developer
 * makes, each compiled as a build would, each checked over HTTP as soon as it lands. A request
 * counter in the controller must go on through all of them: nothing is restarted.
 */
class SpringTest {
    @TempDir
    Path dir;

    private Http web;
    private int lastCount;

    /** The Spring Boot versions tested: 3.5 from this module's test class path, 4.0 from its own folder. */
    enum Boot {
        V3_5, V4_0;

        List<Path> jars() throws java.io.IOException {
            if (this == V3_5) {
                return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(p -> !p.contains("junit") && !p.contains("assertj") && !p.contains("opentest4j")
                                && !p.contains("apiguardian") && !p.contains("/asm/") && !p.contains("test-classes")
                                && !p.contains("hotswap") && !p.contains("byte-buddy")
                                && !p.contains("/org/jetbrains/")) // KotlinTest's compiler
                        .map(Path::of).toList();
            }
            try (java.util.stream.Stream<Path> jars = Files.list(Path.of(System.getProperty("boot4Jars")))) {
                return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Boot.class)
    void everyEverydayEditIsServedWithoutARestart(Boot boot) throws Exception {
        List<Path> spring = boot.jars();
        assertThat(spring).as("Spring Boot's jars").anyMatch(p -> p.toString().contains("spring-webmvc"));
        Path classes = dir.resolve("classes");
        Path[] compileWith = concat(spring, classes);
        String classPath = startingApp(classes, compileWith, spring, 0);
        // As a build copies src/main/resources.
        Files.writeString(classes.resolve("application.properties"), SpringApp.PROPERTIES_V1);
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=200ms",
                "-cp", classPath, "shop.ShopApp", "--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--shop.greeting=howdy"))) {
            try {
                walk(child, classes, compileWith);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe app's output:\n" + child.output(), e);
            }
        }
    }

    private void walk(ChildJvm child, Path classes, Path[] compileWith) throws Exception {
        {
            web = new Http(child);
            assertThat(get("/hello")).isEqualTo("hello v1");
            assertThat(get("/items")).isEqualTo("{\"name\":\"pen\"}");
            count();

            // 1. A body: the new text. The build copies application.properties again, unchanged: nothing to tell of it.
            int before1 = child.mark();
            Files.writeString(classes.resolve("application.properties"), SpringApp.PROPERTIES_V1);
            edit(child, classes, compileWith, Map.of("shop.ShopController", SpringApp.controller(1)));
            awaitBody("/hello", "hello v2"::equals);
            assertThat(child.awaitAfter(before1, "hotswap: reloaded")).contains("shop.ShopController");
            assertThat(child.output().lines().skip(before1).filter(l -> l.startsWith("hotswap:")).toList())
                    .noneMatch(l -> l.contains("application.properties"));
            count();

            // 2. A field and its getter and setter added to a DTO: Jackson's mapper (made at start-up) writes and reads it.
            edit(child, classes, compileWith, Map.of("shop.Item", SpringApp.ITEM_V2, "shop.ShopController",
                    SpringApp.controller(2)));
            awaitBody("/items", "{\"name\":\"pen\",\"price\":3}"::equals);
            assertThat(post("/echo", "{\"name\":\"x\",\"price\":5}")).isEqualTo("{\"name\":\"x\",\"price\":5}");
            count();

            // 3. A mapping added; another's path changed: the old path is gone.
            edit(child, classes, compileWith, Map.of("shop.ShopController", SpringApp.controller(3)));
            awaitBody("/new", "a new mapping"::equals);
            assertThat(get("/products")).isEqualTo("{\"name\":\"pen\",\"price\":3}");
            assertThat(status("/items")).isEqualTo(404);
            count();

            // 4. A new controller and the new service it needs: registered, injected, mapped.
            edit(child, classes, compileWith, Map.of("shop.StatsController", SpringApp.stats(false), "shop.Tally",
                    SpringApp.tally(false)));
            awaitBody("/stats", "stats:1"::equals);
            assertThat(get("/stats")).isEqualTo("stats:2");
            assertThat(get("/banner")).isEqualTo("welcome");
            count();

            // 5. An @Autowired field and a @Value field added to the controller: injected in place; fields with
            // initializers (a lambda, a new object) added too: the bean made before gets them at its first read.
            int before5 = child.mark();
            edit(child, classes, compileWith, Map.of("shop.ShopController", SpringApp.controller(5)));
            awaitBody("/currency", b -> b.startsWith("EUR/EUR:b:"));
            assertThat(get("/shout")).isEqualTo("EUR!seen");
            assertThat(child.output().lines().skip(before5).toList()).noneMatch(l -> l.contains("read the added field")
                    || l.contains("made anew"));
            count();

            // 6. A constructor parameter added to a service, stored in a new field: injected in place, its count kept.
            int greeted = Integer.parseInt(get("/greet").replaceAll(".*#", ""));
            int mark = child.mark();
            edit(child, classes, compileWith, Map.of("shop.Greeting", SpringApp.GREETING_V2));
            String greet = awaitBody("/greet", b -> b.startsWith("howdy ann #"));
            assertThat(Integer.parseInt(greet.replaceAll(".*#", ""))).as("the service's own count went on").isGreaterThan(greeted);
            assertThat(child.awaitAfter(mark, "hotswap: ")).doesNotContain("made anew");
            count();

            // 6b. A constructor that computes a field: made anew, the count carried over, the controller holds the new one.
            greeted = Integer.parseInt(get("/greet").replaceAll(".*#", ""));
            mark = child.mark();
            edit(child, classes, compileWith, Map.of("shop.Greeting", SpringApp.GREETING_V3));
            greet = awaitBody("/greet", b -> b.startsWith("HOWDY ann #"));
            assertThat(Integer.parseInt(greet.replaceAll(".*#", ""))).as("carried over").isGreaterThan(greeted);
            assertThat(child.awaitAfter(mark, "hotswap: ")).contains("bean 'greeting' was made anew for its changed constructor")
                    .contains("carried over from the old instance: greeted");
            count();

            // 7. A method added to a @Cacheable service (a CGLIB proxy): runs on the target, through the cache.
            edit(child, classes, compileWith, Map.of("shop.Labels", SpringApp.LABELS_V2, "shop.ShopController",
                    SpringApp.controller(7)));
            String tag = awaitBody("/tag", b -> b.startsWith("EUR#t#"));
            assertThat(get("/tag")).as("the second call is answered by the cache").isEqualTo(tag);
            count();

            // 8. A @Bean method added to a configuration class.
            edit(child, classes, compileWith, Map.of("shop.ShopConfig", SpringApp.CONFIG_V2, "shop.ShopController",
                    SpringApp.controller(8)));
            awaitBody("/motto", "motto from a new @Bean, next to slogan v1"::equals);
            count();

            // 9. A mapping removed: 404, the others still served.
            edit(child, classes, compileWith, Map.of("shop.ShopController", SpringApp.controller(9)));
            awaitStatus("/new", 404);
            assertThat(get("/motto")).isEqualTo("motto from a new @Bean, next to slogan v1");
            assertThat(get("/stats")).isEqualTo("stats:3");
            count();

            // 10. @Cacheable on a method added to a service that was not proxied: now advised, its state kept.
            edit(child, classes, compileWith, Map.of("shop.Tally", SpringApp.tally(true), "shop.StatsController",
                    SpringApp.stats(true)));
            awaitBody("/cached", "cached:4"::equals);
            assertThat(get("/cached")).as("answered by the cache").isEqualTo("cached:4");
            assertThat(get("/stats")).as("the service's count went on").isEqualTo("stats:5");
            count();

            // 11. application.properties changed (as the build copies it): @Value and @ConfigurationProperties follow.
            Files.writeString(classes.resolve("application.properties"), SpringApp.PROPERTIES_V2);
            awaitBody("/banner", "hello again"::equals);
            awaitBody("/currency", b -> b.startsWith("USD/"));
            count();

            // 12. A @Bean method's code changed: its bean made anew, the controller that held it holds the new one.
            assertThat(get("/tags")).isEqualTo("a");
            mark = child.mark();
            edit(child, classes, compileWith, Map.of("shop.ShopConfig", SpringApp.CONFIG_V3));
            awaitBody("/tags", "a,b"::equals);
            assertThat(child.awaitAfter(mark, "hotswap: ")).contains("bean 'tags' was made anew by its changed @Bean method");
            count();

            // 13. A controller's source deleted: the build deletes its class file and writes the others again; once that
            // settles, its bean and mappings go. Its file put back, they return.
            Path stats = classes.resolve("shop/StatsController.class");
            byte[] statsBytes = Files.readAllBytes(stats);
            Files.delete(stats);
            Path tally = classes.resolve("shop/Tally.class");
            Files.write(tally, Files.readAllBytes(tally));
            awaitStatus("/stats", 404);
            assertThat(child.await("removed from Spring")).contains("bean 'statsController' (shop.StatsController)");
            Files.write(stats, statsBytes);
            awaitBody("/stats", b -> b.startsWith("stats:"));
            count();

            // 14. A @Bean method removed: its bean goes (the controller asking the context for it now fails, as after a fresh start).
            edit(child, classes, compileWith, Map.of("shop.ShopConfig", SpringApp.CONFIG_V4));
            awaitStatus("/motto", 500);
            assertThat(child.await("bean 'motto'")).contains("removed from Spring").contains("its @Bean method was removed");
            assertThat(get("/tags")).isEqualTo("a,b");
            count();

            // 15. As Maven's compiler plugin recompiles: every class file deleted, written again seconds later. Nothing is dropped.
            int dropped = child.linesMatching(l -> l.contains("removed from Spring")).size();
            Map<Path, byte[]> built = new LinkedHashMap<>();
            try (java.util.stream.Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    built.put(f, Files.readAllBytes(f));
                }
            }
            for (Path f : built.keySet()) {
                Files.delete(f);
            }
            Thread.sleep(2500); // javac at work: longer than the quiet a deletion needs once a build has written
            for (Map.Entry<Path, byte[]> f : built.entrySet()) {
                Files.write(f.getKey(), f.getValue());
            }
            Thread.sleep(2500); // past the settling of any deletion
            assertThat(get("/stats")).startsWith("stats:");
            assertThat(get("/products")).isEqualTo("{\"name\":\"pen\",\"price\":3}");
            assertThat(child.linesMatching(l -> l.contains("removed from Spring"))).as("nothing dropped").hasSize(dropped);
            count();

            // The actuator's handler mappings were there all along and left alone: no false alarm about them.
            assertThat(get("/actuator/health")).contains("UP");
            assertThat(child.output()).doesNotContain("internal error").doesNotContain("FRAMEWORK_FAILED")
                    .doesNotContain("could not");
        }
    }

    /**
     * hotswap attached to a Spring Boot app that is already serving (no agent at its start): Spring
     * Boot's context and the JSON converter's mapper, made before hotswap came, are found; a DTO field
     * and a new mapping are served; hotswap says once what it could not see from before it came.
     */
    @Test
    void attachedToARunningAppItFollowsSpringBootsContext() throws Exception {
        List<Path> spring = Boot.V3_5.jars();
        Path classes = dir.resolve("classes");
        Path[] compileWith = concat(spring, classes);
        String classPath = startingApp(classes, compileWith, spring, 1);
        try (ChildJvm child = ChildJvm.start(dir, List.of("-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading", "-cp", classPath, "shop.ShopApp",
                "--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off"))) {
            web = new Http(child);
            assertThat(get("/items")).isEqualTo("{\"name\":\"pen\"}");
            count();
            try (ChildJvm cli = ChildJvm.start(dir, List.of("-jar", ChildJvm.hotswapJar().toString(), "attach",
                    Long.toString(child.pid()), "watch=" + classes + ",quiet=200ms"))) {
                assertThat(cli.awaitExit()).as(cli.output()).isZero();
            }
            child.await("hotswap: watching 1 folder");
            assertThat(child.await("started before hotswap")).contains("Spring");
            Javac.compile(classes, Map.of("shop.Item", SpringApp.ITEM_V2, "shop.ShopController", SpringApp.controller(3)),
                    compileWith);
            awaitBody("/new", "a new mapping"::equals);
            awaitBody("/products", "{\"name\":\"pen\",\"price\":3}"::equals);
            assertThat(status("/items")).isEqualTo(404);
            count();
            assertThat(child.output()).doesNotContain("internal error");
        }
    }

    /** Compiles the app as it starts (the controller at {@code step}); its class path. */
    private static String startingApp(Path classes, Path[] compileWith, List<Path> spring, int step) throws Exception {
        Map<String, String> app = new LinkedHashMap<>();
        app.put("shop.ShopApp", SpringApp.APP);
        app.put("shop.ShopConfig", SpringApp.CONFIG_V1);
        app.put("shop.Item", SpringApp.ITEM_V1);
        app.put("shop.Labels", SpringApp.LABELS_V1);
        app.put("shop.Greeting", SpringApp.GREETING_V1);
        app.put("shop.ShopController", SpringApp.controller(step));
        app.put("shop.BannerProperties", SpringApp.BANNER);
        Javac.compile(classes, app, compileWith);
        return classes + File.pathSeparator + spring.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private static Path[] concat(List<Path> jars, Path classes) {
        Path[] all = jars.toArray(new Path[jars.size() + 1]);
        all[jars.size()] = classes;
        return all;
    }

    private void edit(ChildJvm child, Path classes, Path[] compileWith, Map<String, String> sources) throws Exception {
        Javac.compile(classes, sources, compileWith);
    }

    /** The request counter: it went on counting, never back to the start. */
    private void count() throws Exception {
        int now = Integer.parseInt(get("/count"));
        assertThat(now).as("requests counted so far, across every edit").isGreaterThan(lastCount);
        lastCount = now;
    }

    private String awaitBody(String path, Predicate<String> wanted) throws Exception {
        return web.awaitBody(path, wanted);
    }

    private void awaitStatus(String path, int status) throws Exception {
        web.awaitStatus(path, status);
    }

    private String get(String path) throws Exception {
        return web.get(path);
    }

    private int status(String path) throws Exception {
        return web.status(path);
    }

    private String post(String path, String json) throws Exception {
        HttpResponse<String> r = web.postJson(path, json);
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }
}

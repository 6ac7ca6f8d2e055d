package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spring Boot app as teams write them (JPA with Hibernate and H2, a Spring Data repository,
 * Bean Validation, a Thymeleaf page with a message bundle, constructor injection, the actuator),
 * started once as a child JVM with the packaged agent; each edit built as Maven builds (every class
 * file deleted, then all written again; resources copied), checked over HTTP. A row written at the
 * start and a controller's request counter must survive every edit.
 */
class SpringDataTest {
    @TempDir
    Path dir;

    private Http web;
    private int lastCount;
    private final Map<String, String> sources = new LinkedHashMap<>();

    @ParameterizedTest
    @EnumSource(DataBoot.class)
    void everyEverydayEditOfADataAppIsServedWithItsStateKept(DataBoot boot) throws Exception {
        List<Path> jars = boot.jars();
        assertThat(jars).as("the app's jars").anyMatch(p -> p.getFileName().toString().startsWith("hibernate-core"));
        Path classes = dir.resolve("classes");
        sources.put("clinic.ClinicApp", ClinicApp.APP);
        sources.put("clinic.Owner", ClinicApp.owner(false));
        sources.put("clinic.OwnerRepository", ClinicApp.repository(false));
        sources.put("clinic.OwnerController", ClinicApp.controller(1));
        sources.put("clinic.PageController", ClinicApp.PAGE);
        build(classes, jars, Map.of());
        Files.writeString(classes.resolve("application.properties"), ClinicApp.PROPERTIES);
        Files.writeString(classes.resolve("messages.properties"), ClinicApp.messages("v1"));
        Files.createDirectories(classes.resolve("templates"));
        Files.writeString(classes.resolve("templates/welcome.html"), ClinicApp.template("v1"));
        String classPath = classes + File.pathSeparator + jars.stream().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=200ms",
                "-cp", classPath, "clinic.ClinicApp", "--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off"))) {
            try {
                walk(child, classes, jars, boot);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe app's output:\n" + child.output(), e);
            }
        }
    }

    private void walk(ChildJvm child, Path classes, List<Path> jars, DataBoot boot) throws Exception {
        web = new Http(child);
        assertThat(web.postJson("/owners", "{\"name\":\"ann\",\"city\":\"Oslo\"}").statusCode()).isEqualTo(200);
        rowKept();
        assertThat(web.get("/page")).contains("Welcome ann, v1").contains("page v1");
        count();

        // 1. A template edited (as the build copies it): shown at the next request, the message as it was.
        Files.writeString(classes.resolve("templates/welcome.html"), ClinicApp.template("v2"));
        assertThat(web.awaitBody("/page", b -> b.contains("page v2"))).contains("Welcome ann, v1");
        count();

        // 2. The message bundle edited.
        Files.writeString(classes.resolve("messages.properties"), ClinicApp.messages("v2"));
        assertThat(web.awaitBody("/page", b -> b.contains("Welcome ann, v2"))).contains("page v2");
        count();

        // 3. A derived query added to the repository, used by a new endpoint: the repository is made anew,
        // while requests go on reading the row.
        try (Reader reader = new Reader()) {
            build(classes, jars, Map.of("clinic.OwnerRepository", ClinicApp.repository(true),
                    "clinic.OwnerController", ClinicApp.controller(2)));
            web.awaitBody("/cities/Oslo", "ann"::equals);
            reader.check();
        }
        rowKept();
        count();

        // 4. Constructor injection: a new component and a constructor parameter of its type. The controller keeps its state.
        int mark = child.mark();
        build(classes, jars, Map.of("clinic.Ticker", ClinicApp.TICKER, "clinic.OwnerController", ClinicApp.controller(3)));
        web.awaitBody("/tick", "tick1"::equals);
        count();
        assertThat(child.linesMatching(l -> l.contains("made anew for its changed constructor"))).isEmpty();
        assertThat(child.awaitAfter(mark, "hotswap: reloaded")).doesNotContain("could not");

        // 5. A new component and an @Autowired field of its type in the same compile: registered first, then injected.
        build(classes, jars, Map.of("clinic.Stamp", ClinicApp.STAMP, "clinic.OwnerController", ClinicApp.controller(4)));
        web.awaitBody("/stamp", "stamped"::equals);
        assertThat(web.get("/tick")).isEqualTo("tick2");
        count();

        // 6. A constraint added to an entity's field: the next validation applies it (a form error, not a
        // database error). The persistence unit is built again while requests go on reading the row.
        mark = child.mark();
        try (Reader reader = new Reader()) {
            build(classes, jars, Map.of("clinic.Owner", ClinicApp.owner(true)));
            // Hibernate 7's update would retype the column (H2 copies the table for that, and requests
            // in flight find none): only additions run, and the alter left out is named.
            String rebuilt = child.awaitAfter(mark, "JPA persistence unit");
            assertThat(rebuilt).contains("built again");
            if (boot == DataBoot.V4_0) {
                assertThat(rebuilt).contains("left as they are").containsIgnoringCase("alter column city");
            }
            reader.check();
        }
        assertThat(web.postJson("/owners", "{\"name\":\"bob\",\"city\":\"Kristiansand-by-the-sea\"}").statusCode())
                .as("a city longer than @Size(max = 10) is refused").isEqualTo(400);
        assertThat(web.postJson("/owners", "{\"name\":\"cy\",\"city\":\"Bergen\"}").statusCode()).isEqualTo(200);
        rowKept();
        count();

        assertThat(web.get("/actuator/health")).contains("UP");
        assertThat(child.output()).doesNotContain("internal error").doesNotContain("FRAMEWORK_FAILED")
                .doesNotContain("could not").doesNotContain("restart");
    }

    /**
     * Builds as Maven's compiler plugin does: every class file of the module deleted, then all
     * sources (with {@code changed}) compiled again, with parameter names as Spring Boot's build
     * compiles.
     */
    private void build(Path classes, List<Path> jars, Map<String, String> changed) throws Exception {
        sources.putAll(changed);
        if (Files.isDirectory(classes)) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    Files.delete(f);
                }
            }
        }
        Path[] classPath = jars.toArray(new Path[0]);
        Javac.compileWithParameterNames(classes, sources, classPath);
    }

    /**
     * Reads the row written at the start, request after request on a thread of its own, while an
     * edit is applied: every answer must be the row (a swap never fails a request in flight).
     */
    private final class Reader implements AutoCloseable {
        private final AtomicReference<String> wrong = new AtomicReference<>();
        private final AtomicInteger answers = new AtomicInteger();
        private volatile boolean done;
        private final Thread thread = new Thread(this::run, "test-reader");

        Reader() {
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!done && wrong.get() == null) {
                try {
                    int status = web.status("/owners/ann");
                    answers.incrementAndGet();
                    if (status != 200) {
                        wrong.set("GET /owners/ann answered " + status + " while the edit was applied");
                    }
                } catch (Exception e) {
                    wrong.set("GET /owners/ann failed while the edit was applied: " + e);
                }
            }
        }

        void check() throws InterruptedException {
            done = true;
            thread.join(ChildJvm.WAIT.toMillis());
            assertThat(wrong.get()).as("requests during the edit (%d answered)", answers.get()).isNull();
            assertThat(answers.get()).as("requests answered during the edit").isPositive();
        }

        @Override
        public void close() throws InterruptedException {
            done = true;
            thread.join(ChildJvm.WAIT.toMillis());
        }
    }

    private void rowKept() throws Exception {
        assertThat(web.get("/owners/ann")).as("the row written at the start").isEqualTo("ann@Oslo");
    }

    /** The request counter: it went on counting, never back to the start. */
    private void count() throws Exception {
        int now = Integer.parseInt(web.get("/count"));
        assertThat(now).as("requests counted so far, across every edit").isGreaterThan(lastCount);
        lastCount = now;
    }
}

package dev.hotswap.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Edit → first correct response in a Spring Boot data app (web, Spring Data JPA, Hibernate, H2 in
 * memory), hotswap against a restart of the same app: a persistent field added to an entity with
 * an endpoint using it, and a derived query added to a repository with an endpoint calling it.
 * hotswap: the app started once under the agent, each edit written as Maven writes it (the changed
 * class files deleted, then written) and timed from the last file written to the first correct
 * HTTP answer; a row written at the start must still be found and the request counter go on.
 * Restart: the app compiled with the edit, started anew, from JVM launch to its first correct
 * answer.
 */
record DataEdit(Path hotswapJar, Path jars, Path work) {
    /**
     * One edit: the variant of the app that has it, the request that shows it ({@code {id}}: the
     * row written at the start, {@code {n}}: the sample) and the body it answers; without the edit
     * that request is not mapped (404).
     */
    private record Edit(String label, String variant, String path, String body) {
        static String fill(String template, String id, int n) {
            return template.replace("{id}", id).replace("{n}", Integer.toString(n));
        }
    }

    private static final List<Edit> EDITS = List.of(
            new Edit("a persistent field (`telephone`, getter, setter) added to an `@Entity`, and an endpoint using it",
                    "entity", "/owners/{id}/telephone?set=555-{n}", "555-{n}"),
            new Edit("a derived query (`findByName`) added to a Spring Data repository, and an endpoint calling it",
                    "repository", "/owners/named/ann", "{id}"));

    /** The data3-jars module's jars that the app's three starters (web, data-jpa) and H2 do not bring. */
    private static final List<String> NOT_THE_APPS = List.of("spring-boot-starter-thymeleaf", "thymeleaf", "attoparser",
            "unbescape", "spring-boot-starter-validation", "hibernate-validator", "jakarta.validation-api",
            "spring-boot-starter-actuator", "spring-boot-actuator", "micrometer-core", "micrometer-jakarta9", "HdrHistogram",
            "LatencyUtils");

    private static final WebApp WEB = new WebApp();

    /** {@code samples} hotswap edits of each kind (made even: every edit ends switched off), {@code launches} restarts each. */
    SpringEdit.Result run(int samples, int launches) throws Exception {
        String classPath = WebApp.classPath(jars, name -> NOT_THE_APPS.stream().noneMatch(name::startsWith));
        if (!classPath.contains("hibernate-core")) {
            throw new IllegalStateException("no Hibernate in " + jars + ": build integration-tests/data3-jars first");
        }
        Map<String, Path> variants = new LinkedHashMap<>();
        for (String v : List.of("base", "entity", "repository")) {
            variants.put(v, compile(v, classPath));
        }
        Map<String, Stats> hotswap = new LinkedHashMap<>();
        boolean kept = hotswap(variants, classPath, samples + samples % 2, hotswap);
        StringBuilder md = new StringBuilder()
                .append("| edit | hotswap p50 ms | p95 ms | restart p50 ms | p95 ms | restart p50 / hotswap p50 |")
                .append(" state kept (hotswap / restart) |\n|---|---:|---:|---:|---:|---:|---|\n");
        List<String[]> goals = new ArrayList<>();
        for (Edit e : EDITS) {
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < launches; i++) {
                millis.add(restart(e, variants.get(e.variant), classPath));
            }
            Stats h = hotswap.get(e.label);
            Stats r = Stats.of(millis);
            md.append(WebApp.row(e.label, h, r, kept, false));
            goals.add(WebApp.tenTimes("data app edit → first correct response ≥ 10× faster than a restart, state kept: "
                    + e.label, h, r, kept));
        }
        return new SpringEdit.Result(md.toString(), goals);
    }

    /** The app under the agent: every edit on, off, on, …; true when the row stayed and the counter never went back. */
    private boolean hotswap(Map<String, Path> variants, String classPath, int samples, Map<String, Stats> rows)
            throws Exception {
        Path classes = Files.createDirectories(work.resolve("data-hotswap"));
        WebApp.copyTree(variants.get("base"), classes);
        int port = WebApp.freePort();
        String base = "http://127.0.0.1:" + port;
        boolean kept = true;
        try (Child app = Child.start(command(List.of("-javaagent:" + hotswapJar), classes, classPath, port))) {
            String id = WEB.await(base + "/owners/new?name=ann", a -> a.status() == 200, Duration.ofSeconds(120)).body();
            int count = count(base);
            for (Edit e : EDITS) {
                Path edited = variants.get(e.variant);
                Set<String> changed = changed(variants.get("base"), edited);
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    boolean on = i % 2 == 0;
                    long written = write(on ? edited : variants.get("base"), changed, classes);
                    String want = Edit.fill(e.body, id, i);
                    WEB.await(base + Edit.fill(e.path, id, i), on ? a -> a.status() == 200 && a.body().equals(want)
                            : a -> a.status() == 404, Duration.ofSeconds(120));
                    millis.add((System.nanoTime() - written) / 1e6);
                    boolean rowFound = WEB.get(base + "/owners/" + id).body().equals("ann");
                    int now = count(base);
                    if (!rowFound || now <= count) {
                        System.out.println("bench: data: state lost after " + e.variant + (on ? " on" : " off") + " #" + i
                                + " (row found: " + rowFound + ", count " + count + " -> " + now + ")");
                    }
                    kept &= rowFound && now > count;
                    count = now;
                }
                rows.put(e.label, Stats.of(millis));
                System.out.println("bench: data: " + e.variant + " ms, on and off in turn: " + millis.stream()
                        .map(Stats::ms).toList());
            }
            for (String line : app.output()) {
                if (line.contains("could not") || line.contains("restart") || line.contains("internal error")) {
                    System.out.println("bench: data: the app said: " + line);
                }
            }
        }
        return kept;
    }

    /** JVM launch (no agent) to the first correct answer of the app with the edit; its data lost, the row is written again first. */
    private double restart(Edit e, Path classes, String classPath) throws Exception {
        int port = WebApp.freePort();
        String base = "http://127.0.0.1:" + port;
        try (Child app = Child.start(command(List.of(), classes, classPath, port))) {
            String id = WEB.await(base + "/owners/new?name=ann", a -> a.status() == 200, Duration.ofSeconds(120)).body();
            String want = Edit.fill(e.body, id, 0);
            WEB.await(base + Edit.fill(e.path, id, 0), a -> a.status() == 200 && a.body().equals(want), Duration.ofSeconds(60));
            return (System.nanoTime() - app.startedNanos) / 1e6;
        }
    }

    private static List<String> command(List<String> agent, Path classes, String classPath, int port) {
        List<String> args = new ArrayList<>(agent);
        args.addAll(List.of("-cp", classes + File.pathSeparator + classPath, "clinic.DataApp", "--server.port=" + port,
                "--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--spring.jpa.open-in-view=false",
                "--logging.level.root=WARN"));
        return args;
    }

    private static int count(String base) throws Exception {
        return Integer.parseInt(WEB.get(base + "/count").body().strip());
    }

    /** The class files (relative paths) that differ between two compiles of the app, or that only one has. */
    private static Set<String> changed(Path a, Path b) throws IOException {
        Set<String> all = new TreeSet<>(classFiles(a));
        all.addAll(classFiles(b));
        Set<String> changed = new TreeSet<>();
        for (String f : all) {
            Path x = a.resolve(f);
            Path y = b.resolve(f);
            if (!Files.exists(x) || !Files.exists(y) || !Arrays.equals(Files.readAllBytes(x), Files.readAllBytes(y))) {
                changed.add(f);
            }
        }
        return changed;
    }

    private static List<String> classFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".class")).map(f -> root.relativize(f).toString()).toList();
        }
    }

    /**
     * As Maven's compiler plugin writes a change: the changed class files deleted, then those of
     * {@code version} written; the time of the last write.
     */
    private static long write(Path version, Set<String> changed, Path classes) throws IOException {
        for (String f : changed) {
            Files.deleteIfExists(classes.resolve(f));
        }
        long written = System.nanoTime();
        for (String f : changed) {
            Path from = version.resolve(f);
            if (Files.exists(from)) {
                Files.write(classes.resolve(f), Files.readAllBytes(from));
                written = System.nanoTime();
            }
        }
        return written;
    }

    /** The app as it is with {@code variant} made ({@code base}: no edit). */
    private Path compile(String variant, String classPath) throws IOException {
        boolean entity = variant.equals("entity");
        boolean repository = variant.equals("repository");
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("clinic/DataApp.java", WebApp.mainClass("clinic", "DataApp"));
        sources.put("clinic/Owner.java", """
                package clinic;
                import jakarta.persistence.Entity;
                import jakarta.persistence.GeneratedValue;
                import jakarta.persistence.Id;
                @Entity
                public class Owner {
                    @Id @GeneratedValue private Long id;
                    private String name;
                %s    public Long getId() { return id; }
                    public String getName() { return name; }
                    public void setName(String name) { this.name = name; }
                %s}
                """.formatted(entity ? "    private String telephone;\n" : "", entity ? """
                    public String getTelephone() { return telephone; }
                    public void setTelephone(String telephone) { this.telephone = telephone; }
                """ : ""));
        sources.put("clinic/OwnerRepository.java", """
                package clinic;
                import java.util.List;
                import org.springframework.data.jpa.repository.JpaRepository;
                public interface OwnerRepository extends JpaRepository<Owner, Long> {
                %s}
                """.formatted(repository ? "    List<Owner> findByName(String name);\n" : ""));
        sources.put("clinic/OwnerController.java", """
                package clinic;
                import java.util.concurrent.atomic.AtomicInteger;
                import java.util.stream.Collectors;
                import org.springframework.web.bind.annotation.GetMapping;
                import org.springframework.web.bind.annotation.PathVariable;
                import org.springframework.web.bind.annotation.RequestParam;
                import org.springframework.web.bind.annotation.RestController;
                @RestController
                public class OwnerController {
                    private final AtomicInteger requests = new AtomicInteger();
                    private final OwnerRepository owners;
                    OwnerController(OwnerRepository owners) { this.owners = owners; }
                    private <T> T counted(T answer) { requests.incrementAndGet(); return answer; }
                    @GetMapping("/count")
                    public int count() { return requests.incrementAndGet(); }
                    @GetMapping("/owners/new")
                    public Long create(@RequestParam("name") String name) {
                        Owner owner = new Owner();
                        owner.setName(name);
                        return counted(owners.save(owner).getId());
                    }
                    @GetMapping("/owners/{id}")
                    public String name(@PathVariable("id") Long id) { return counted(owners.findById(id).orElseThrow().getName()); }
                %s%s}
                """.formatted(entity ? """
                    @GetMapping("/owners/{id}/telephone")
                    public String telephone(@PathVariable("id") Long id, @RequestParam("set") String telephone) {
                        Owner owner = owners.findById(id).orElseThrow();
                        owner.setTelephone(telephone);
                        owners.save(owner);
                        return counted(owners.findById(id).orElseThrow().getTelephone());
                    }
                """ : "", repository ? """
                    @GetMapping("/owners/named/{name}")
                    public String named(@PathVariable("name") String name) {
                        return counted(owners.findByName(name).stream().map(o -> o.getId().toString()).collect(Collectors.joining(",")));
                    }
                """ : ""));
        return WebApp.compile(work.resolve("data-src-" + variant), work.resolve("data-classes-" + variant), sources, classPath);
    }

    /** The section's heading and what it measures, for BENCHMARKS.md. */
    static String description(int n, int launches) {
        return new StringBuilder("\n## 7b. A Spring Boot data app: an entity edit and a repository method, hotswap against a restart\n\n")
                .append("A Spring Boot 3.5.7 app with `spring-boot-starter-web`, `spring-boot-starter-data-jpa` and H2 in ")
                .append("memory (Boot's defaults: Hikari, Hibernate 6.6 creating the schema; open-in-view off): an `@Entity` ")
                .append("`Owner(id, name)`, a `JpaRepository` of it, a `@RestController` with a request counter. hotswap: the ")
                .append("app started once under `-javaagent` with its defaults, a row written over HTTP at the start; each ")
                .append("edit made ").append(n).append(" times, on and off again (off: the endpoint it adds answers 404), ")
                .append("as Maven's compiler plugin writes a change (the changed class files deleted, then written), and ")
                .append("timed from the last file written to the first correct HTTP answer on loopback. Entity edit: a ")
                .append("persistent field `telephone` with its getter and setter added to `Owner`, and an endpoint that sets ")
                .append("it on the row written at the start and reads it back from the database (a new value each time). ")
                .append("Repository method: a derived query `findByName` added to the repository, and an endpoint calling ")
                .append("it that must find that row. \"State kept\": after every edit the row is still found and the ")
                .append("request counter has gone on. Restart: the app compiled with the edit, started anew (no agent), ")
                .append(launches).append(" launches per edit, timed from JVM launch to the first correct answer; its ")
                .append("in-memory data are gone, so the row is written again first (one request, within the time).\n\n")
                .toString();
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Spring Boot app with JPA (Hibernate, an embedded H2 whose schema Boot creates and drops), Spring
 * Data repositories and a request counter, started once under the packaged agent: a persistent
 * field added to an entity and a new entity with its repository are mapped, their tables and columns
 * added, the rows already written kept, the counter going on.
 */
class JpaTest {
    @TempDir
    Path dir;

    private Http web;
    private int lastCount;

    private static final String APP = """
            package pets;
            import org.springframework.boot.SpringApplication;
            import org.springframework.boot.autoconfigure.SpringBootApplication;
            @SpringBootApplication
            public class PetsApp {
                public static void main(String[] args) {
                    var context = SpringApplication.run(PetsApp.class, args);
                    System.out.println("port=" + context.getEnvironment().getProperty("local.server.port"));
                }
            }
            """;

    private static String owner(boolean telephone) {
        return """
                package pets;
                import jakarta.persistence.Entity;
                import jakarta.persistence.GeneratedValue;
                import jakarta.persistence.Id;
                @Entity
                public class Owner {
                    @Id
                    @GeneratedValue
                    private Long id;
                    private String name;
                """ + (telephone ? "    private String telephone;\n" : "") + """
                    public Long getId() { return id; }
                    public String getName() { return name; }
                    public void setName(String name) { this.name = name; }
                """ + (telephone ? """
                    public String getTelephone() { return telephone; }
                    public void setTelephone(String telephone) { this.telephone = telephone; }
                """ : "") + "}\n";
    }

    private static final String OWNERS = """
            package pets;
            import org.springframework.data.jpa.repository.JpaRepository;
            public interface OwnerRepository extends JpaRepository<Owner, Long> {
            }
            """;

    private static final String PET = """
            package pets;
            import jakarta.persistence.Entity;
            import jakarta.persistence.GeneratedValue;
            import jakarta.persistence.Id;
            import jakarta.persistence.ManyToOne;
            @Entity
            public class Pet {
                @Id
                @GeneratedValue
                private Long id;
                private String name;
                @ManyToOne
                private Owner owner;
                public Long getId() { return id; }
                public String getName() { return name; }
                public void setName(String name) { this.name = name; }
                public Owner getOwner() { return owner; }
                public void setOwner(Owner owner) { this.owner = owner; }
            }
            """;

    private static final String PETS = """
            package pets;
            import java.util.List;
            import org.springframework.data.jpa.repository.JpaRepository;
            public interface PetRepository extends JpaRepository<Pet, Long> {
                List<Pet> findByOwnerName(String name);
            }
            """;

    /** The controller at step 0, 1 (the telephone) or 2 (pets too). */
    private static String controller(int step) {
        return """
                package pets;
                import java.util.concurrent.atomic.AtomicInteger;
                import org.springframework.beans.factory.annotation.Autowired;
                import org.springframework.web.bind.annotation.GetMapping;
                import org.springframework.web.bind.annotation.PathVariable;
                import org.springframework.web.bind.annotation.RequestParam;
                import org.springframework.web.bind.annotation.RestController;
                @RestController
                public class OwnerController {
                    private final AtomicInteger requests = new AtomicInteger();
                    private final OwnerRepository owners;
                """ + (step >= 2 ? "    @Autowired\n    private PetRepository pets;\n" : "") + """
                    public OwnerController(OwnerRepository owners) {
                        this.owners = owners;
                    }
                    @GetMapping("/count")
                    public String count() {
                        return Integer.toString(requests.incrementAndGet());
                    }
                    @GetMapping("/owners/new")
                    public String create(@RequestParam("name") String name) {
                        requests.incrementAndGet();
                        Owner o = new Owner();
                        o.setName(name);
                        return Long.toString(owners.save(o).getId());
                    }
                    @GetMapping("/owners/{id}")
                    public String show(@PathVariable("id") Long id) {
                        requests.incrementAndGet();
                        Owner o = owners.findById(id).orElseThrow();
                        return o.getName()%s;
                    }
                """.formatted(step >= 1 ? " + \"/\" + o.getTelephone()" : "") + (step >= 1 ? """
                    @GetMapping("/owners/{id}/telephone")
                    public String telephone(@PathVariable("id") Long id, @RequestParam("set") String telephone) {
                        requests.incrementAndGet();
                        Owner o = owners.findById(id).orElseThrow();
                        o.setTelephone(telephone);
                        owners.save(o);
                        return "ok";
                    }
                """ : "") + (step >= 2 ? """
                    @GetMapping("/pets/new")
                    public String adopt(@RequestParam("owner") Long owner, @RequestParam("name") String name) {
                        requests.incrementAndGet();
                        Pet p = new Pet();
                        p.setName(name);
                        p.setOwner(owners.findById(owner).orElseThrow());
                        return Long.toString(pets.save(p).getId());
                    }
                    @GetMapping("/pets/{id}")
                    public String pet(@PathVariable("id") Long id) {
                        requests.incrementAndGet();
                        Pet p = pets.findById(id).orElseThrow();
                        return p.getName() + " of " + p.getOwner().getName() + " (" + pets.findByOwnerName(p.getOwner().getName()).size() + ")";
                    }
                """ : "") + "}\n";
    }

    @ParameterizedTest
    @EnumSource(DataBoot.class)
    void entitiesAreMappedAgainAndTheDataStays(DataBoot boot) throws Exception {
        Path classes = dir.resolve("classes");
        Path[] compileWith = compileWith(boot, classes);
        try (ChildJvm child = start(boot, classes, compileWith)) {
            try {
                web = new Http(child);
                String ann = web.get("/owners/new?name=ann");
                assertThat(web.get("/owners/" + ann)).isEqualTo("ann");
                count();
                int mark = child.mark();

                // 1. A persistent field added to the entity: its column is added, the row written before is still there.
                edit(classes, compileWith, Map.of("pets.Owner", owner(true), "pets.OwnerController", controller(1)));
                assertThat(child.awaitAfter(mark, "built again")).contains("persistence unit").contains("pets.Owner");
                web.awaitBody("/owners/" + ann + "/telephone?set=555", "ok"::equals);
                assertThat(web.get("/owners/" + ann)).isEqualTo("ann/555");
                assertThat(web.get("/owners/new?name=bob")).isNotEqualTo(ann);
                count();
                int second = child.mark();

                // 2. A new entity with a many-to-one to the first, and its repository: its table is added, pets are kept.
                edit(classes, compileWith, Map.of("pets.Pet", PET, "pets.PetRepository", PETS,
                        "pets.OwnerController", controller(2)));
                assertThat(child.awaitAfter(second, "new repositories")).contains("petRepository");
                String rex = web.awaitBody("/pets/new?owner=" + ann + "&name=rex", b -> b.matches("\\d+"));
                assertThat(web.get("/pets/" + rex)).isEqualTo("rex of ann (1)");
                assertThat(web.get("/owners/" + ann)).isEqualTo("ann/555");
                count();

                List<String> said = child.linesFrom(mark);
                assertThat(said).as("no edit asks for a restart").noneMatch(l -> l.contains("restart"));
                assertThat(child.output()).doesNotContain("could not").doesNotContain("internal error");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe app's output:\n" + child.output(), e);
            }
        }
    }

    /**
     * A schema the application manages itself ({@code ddl-auto=validate}, tables made by its
     * {@code schema.sql}): hotswap maps the new field but changes no schema, and says what the
     * database lacks.
     */
    @ParameterizedTest
    @EnumSource(DataBoot.class)
    void aSchemaLeftAloneIsNamedWhereItLacks(DataBoot boot) throws Exception {
        afterAFieldAddedToAnOwnSchema(boot, "validate", (child, ann, mark) -> {
            assertThat(child.awaitAfter(mark, "the database lacks")).contains("pets.Owner")
                    .containsIgnoringCase("add column telephone to table owner").doesNotContain("restart");
            assertThat(child.awaitAfter(mark, "built again")).contains("schema untouched");
            assertThat(web.status("/owners/" + ann)).as("the column is not there: Hibernate's select fails").isEqualTo(500);
        });
    }

    /**
     * An in-memory database whose schema its {@code schema.sql} makes ({@code ddl-auto=none}, as
     * PetClinic has it): what the new mapping adds is added to it, the rows kept, and said.
     */
    @ParameterizedTest
    @EnumSource(DataBoot.class)
    void anInMemoryDatabaseWithNoSchemaActionGetsTheNewColumns(DataBoot boot) throws Exception {
        afterAFieldAddedToAnOwnSchema(boot, "none", (child, ann, mark) -> {
            assertThat(child.awaitAfter(mark, "built again")).contains("in-memory database, schema action 'none'")
                    .contains("added to it as the mapping needs; added: ").containsIgnoringCase("telephone");
            assertThat(web.get("/owners/" + ann)).as("the row kept, the new column there").isEqualTo("ann/null");
            assertThat(child.linesMatching(l -> l.startsWith("hotswap:"))).noneMatch(l -> l.contains("lacks"));
        });
    }

    /** What is checked once a field was added to the entity of an app whose schema.sql makes its table. */
    private interface SchemaChecks {
        void check(ChildJvm child, String ann, int mark) throws Exception;
    }

    /**
     * The app with its own {@code schema.sql} and {@code ddl-auto=action}, a row written, then a
     * field added to its entity as Maven builds it; {@code checks} run after, then what holds for
     * every schema action (no failure of hotswap's).
     */
    private void afterAFieldAddedToAnOwnSchema(DataBoot boot, String action, SchemaChecks checks) throws Exception {
        Path classes = dir.resolve("classes");
        Path[] compileWith = compileWith(boot, classes);
        Files.createDirectories(classes);
        Files.writeString(classes.resolve("schema.sql"), """
                create sequence owner_seq start with 1 increment by 50;
                create table owner (id bigint not null, name varchar(255), primary key (id));
                """);
        try (ChildJvm child = start(boot, classes, compileWith, "--spring.jpa.hibernate.ddl-auto=" + action)) {
            try {
                web = new Http(child);
                String ann = web.get("/owners/new?name=ann");
                int mark = child.mark();
                edit(classes, compileWith, Map.of("pets.Owner", owner(true), "pets.OwnerController", controller(1)));
                checks.check(child, ann, mark);
                assertThat(child.linesMatching(l -> l.startsWith("hotswap:"))).noneMatch(l -> l.contains("could not"));
                assertThat(child.output()).doesNotContain("internal error");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe app's output:\n" + child.output(), e);
            }
        }
    }

    private static Path[] compileWith(DataBoot boot, Path classes) throws Exception {
        List<Path> jars = boot.jars();
        assertThat(jars).as("the data app's jars (build integration-tests/%s first)", boot == DataBoot.V3_5 ? "data3-jars" : "data4-jars")
                .anyMatch(p -> p.getFileName().toString().startsWith("hibernate-core"));
        Path[] compileWith = jars.toArray(new Path[jars.size() + 1]);
        compileWith[jars.size()] = classes;
        return compileWith;
    }

    /** The app compiled (step 0) and started under the packaged agent. */
    private ChildJvm start(DataBoot boot, Path classes, Path[] compileWith, String... options) throws Exception {
        Map<String, String> app = new LinkedHashMap<>();
        app.put("pets.PetsApp", APP);
        app.put("pets.Owner", owner(false));
        app.put("pets.OwnerRepository", OWNERS);
        app.put("pets.OwnerController", controller(0));
        Javac.compile(classes, app, compileWith);
        String classPath = classes + File.pathSeparator + boot.jars().stream().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        List<String> args = new java.util.ArrayList<>(List.of("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=200ms",
                "-cp", classPath, "pets.PetsApp", "--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--spring.jpa.open-in-view=false"));
        args.addAll(List.of(options));
        return ChildJvm.start(dir, args);
    }

    /** As Maven's compiler plugin writes a change: the changed classes' files deleted first, then written. */
    private static void edit(Path classes, Path[] compileWith, Map<String, String> sources) throws Exception {
        for (String name : sources.keySet()) {
            Files.deleteIfExists(classes.resolve(name.replace('.', '/') + ".class"));
        }
        Javac.compile(classes, sources, compileWith);
    }

    /** The request counter: it went on counting, never back to the start. */
    private void count() throws Exception {
        int now = Integer.parseInt(web.get("/count"));
        assertThat(now).as("requests counted so far, across every edit").isGreaterThan(lastCount);
        lastCount = now;
    }
}

package dev.hotswap.it;

/**
 * The Spring Boot app of {@link SpringDataTest}: JPA entity, Spring Data repository, Bean
 * Validation, a Thymeleaf page with a message bundle, constructor injection; each constant or
 * method is one file as a developer writes it at a step.
 */
final class ClinicApp {
    private ClinicApp() {
    }

    static final String APP = """
            package clinic;
            import org.springframework.boot.SpringApplication;
            import org.springframework.boot.autoconfigure.SpringBootApplication;
            @SpringBootApplication
            public class ClinicApp {
                public static void main(String[] args) {
                    var context = SpringApplication.run(ClinicApp.class, args);
                    System.out.println("port=" + context.getEnvironment().getProperty("local.server.port"));
                }
            }
            """;

    static final String PROPERTIES = """
            spring.datasource.url=jdbc:h2:mem:clinic
            spring.jpa.open-in-view=false
            management.endpoints.web.exposure.include=health
            """;

    /** The owner; {@code cityLimit} adds {@code @Size(max = 10)} to its city. */
    static String owner(boolean cityLimit) {
        return """
                package clinic;
                import jakarta.persistence.Entity;
                import jakarta.persistence.GeneratedValue;
                import jakarta.persistence.Id;
                import jakarta.validation.constraints.NotBlank;
                import jakarta.validation.constraints.Size;
                @Entity
                public class Owner {
                    @Id @GeneratedValue private Long id;
                    @NotBlank private String name;
                    %s private String city;
                    public Long getId() { return id; }
                    public String getName() { return name; }
                    public void setName(String name) { this.name = name; }
                    public String getCity() { return city; }
                    public void setCity(String city) { this.city = city; }
                }
                """.formatted(cityLimit ? "@Size(max = 10)" : "");
    }

    /** The repository; {@code byCity} adds a derived query. */
    static String repository(boolean byCity) {
        return """
                package clinic;
                import java.util.List;
                import org.springframework.data.jpa.repository.JpaRepository;
                public interface OwnerRepository extends JpaRepository<Owner, Long> {
                    List<Owner> findByName(String name);
                    %s
                }
                """.formatted(byCity ? "List<Owner> findByCity(String city);" : "");
    }

    static final String TICKER = """
            package clinic;
            @org.springframework.stereotype.Component
            public class Ticker {
                private int ticks;
                public String tick() { return "tick" + (++ticks); }
            }
            """;

    static final String STAMP = """
            package clinic;
            @org.springframework.stereotype.Component
            public class Stamp {
                public String stamp() { return "stamped"; }
            }
            """;

    /**
     * The controller at a step: 1 as started; 2 a query method of the repository used; 3 a new
     * constructor parameter (a new component); 4 a new {@code @Autowired} field (a new component).
     */
    static String controller(int step) {
        return """
                package clinic;
                import java.util.stream.Collectors;
                import org.springframework.web.bind.annotation.*;
                @RestController
                public class OwnerController {
                    private final OwnerRepository owners;
                    private int count;
                    %s
                    public OwnerController(OwnerRepository owners%s) {
                        this.owners = owners;
                        %s
                    }
                    @GetMapping("/count") public int count() { return ++count; }
                    @PostMapping("/owners") public String add(@jakarta.validation.Valid @RequestBody Owner owner) {
                        return String.valueOf(owners.save(owner).getId());
                    }
                    @GetMapping("/owners/{name}") public String byName(@PathVariable String name) {
                        return owners.findByName(name).stream().map(o -> o.getName() + "@" + o.getCity())
                                .collect(Collectors.joining(","));
                    }
                    %s
                }
                """.formatted(
                step >= 3 ? "private final Ticker ticker;" + (step >= 4 ? " @org.springframework.beans.factory.annotation.Autowired"
                        + " private Stamp stamp;" : "") : "",
                step >= 3 ? ", Ticker ticker" : "",
                step >= 3 ? "this.ticker = ticker;" : "",
                (step >= 2 ? """
                    @GetMapping("/cities/{city}") public String byCity(@PathVariable String city) {
                        return owners.findByCity(city).stream().map(Owner::getName).collect(Collectors.joining(","));
                    }
                """ : "") + (step >= 3 ? """
                    @GetMapping("/tick") public String tick() { return ticker.tick(); }
                """ : "") + (step >= 4 ? """
                    @GetMapping("/stamp") public String stamp() { return stamp.stamp(); }
                """ : ""));
    }

    static final String PAGE = """
            package clinic;
            import org.springframework.stereotype.Controller;
            import org.springframework.ui.Model;
            import org.springframework.web.bind.annotation.GetMapping;
            @Controller
            public class PageController {
                @GetMapping("/page") public String page(Model model) {
                    model.addAttribute("who", "ann");
                    return "welcome";
                }
            }
            """;

    static String template(String version) {
        return """
                <!DOCTYPE html>
                <html xmlns:th="http://www.thymeleaf.org">
                <body><p th:text="#{welcome(${who})}">x</p><p>page %s</p></body>
                </html>
                """.formatted(version);
    }

    static String messages(String version) {
        return "welcome=Welcome {0}, " + version + "\n";
    }
}

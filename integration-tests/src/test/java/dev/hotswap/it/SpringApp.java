package dev.hotswap.it;

/**
 * The Spring Boot app of {@link SpringTest}, version by version: each constant is one source
 * file as a developer would write it at that step.
 */
final class SpringApp {
    private SpringApp() {
    }

    static final String APP = """
            package shop;
            import org.springframework.boot.SpringApplication;
            import org.springframework.boot.autoconfigure.SpringBootApplication;
            import org.springframework.cache.annotation.EnableCaching;
            @SpringBootApplication
            @EnableCaching
            public class ShopApp {
                public static void main(String[] args) {
                    var context = SpringApplication.run(ShopApp.class, args);
                    System.out.println("port=" + context.getEnvironment().getProperty("local.server.port"));
                }
            }
            """;

    static final String CONFIG_V1 = config(false, "a");
    /** A @Bean method added. */
    static final String CONFIG_V2 = config(true, "a");
    /** A @Bean method's code changed: its bean is made anew, and the controller holding it gets the new one. */
    static final String CONFIG_V3 = config(true, "a,b");
    /** A @Bean method removed. */
    static final String CONFIG_V4 = config(false, "a,b");

    private static String config(boolean motto, String tags) {
        return """
                package shop;
                import java.util.function.Supplier;
                import org.springframework.context.annotation.Bean;
                import org.springframework.context.annotation.Configuration;
                @Configuration
                public class ShopConfig {
                    @Bean
                    public Supplier<String> slogan() {
                        return () -> "slogan v1";
                    }

                    @Bean
                    public StringBuilder tags() {
                        return new StringBuilder("%s");
                    }
                """.formatted(tags) + (motto ? """
                    @Bean
                    public Supplier<String> motto() {
                        return () -> "motto from a new @Bean, next to " + slogan().get();
                    }
                """ : "") + "}\n";
    }

    static final String ITEM_V1 = """
            package shop;
            public class Item {
                private String name;
                public Item() {
                }
                public Item(String name) {
                    this.name = name;
                }
                public String getName() { return name; }
                public void setName(String name) { this.name = name; }
            }
            """;

    static final String ITEM_V2 = """
            package shop;
            public class Item {
                private String name;
                private int price;
                public Item() {
                }
                public Item(String name, int price) {
                    this.name = name;
                    this.price = price;
                }
                public String getName() { return name; }
                public void setName(String name) { this.name = name; }
                public int getPrice() { return price; }
                public void setPrice(int price) { this.price = price; }
            }
            """;

    static final String LABELS_V1 = labels(false);
    /** A method added to a proxied (@Cacheable) bean, reading a field only the target has set. */
    static final String LABELS_V2 = labels(true);

    private static String labels(boolean withTag) {
        return """
                package shop;
                import org.springframework.beans.factory.annotation.Value;
                import org.springframework.cache.annotation.Cacheable;
                import org.springframework.stereotype.Service;
                @Service
                public class Labels {
                    @Value("${shop.currency:EUR}")
                    private String currency;
                    private int calls;

                    @Cacheable("labels")
                    public String label(String x) {
                        calls++;
                        return currency + ":" + x + ":" + calls;
                    }
                """ + (withTag ? """
                    @Cacheable("tags")
                    public String tag(String x) {
                        calls++;
                        return currency + "#" + x + "#" + calls;
                    }
                """ : "") + "}\n";
    }

    static final String GREETING_V1 = """
            package shop;
            import org.springframework.stereotype.Service;
            @Service
            public class Greeting {
                private final Labels labels;
                private int greeted;
                public Greeting(Labels labels) {
                    this.labels = labels;
                }
                public String greet(String name) {
                    return "hello " + name + " #" + (++greeted);
                }
            }
            """;

    /** A constructor parameter added, stored in a new field: injected in place, the bean's state kept. */
    static final String GREETING_V2 = """
            package shop;
            import org.springframework.core.env.Environment;
            import org.springframework.stereotype.Service;
            @Service
            public class Greeting {
                private final Labels labels;
                private final Environment environment;
                private int greeted;
                public Greeting(Labels labels, Environment environment) {
                    this.labels = labels;
                    this.environment = environment;
                }
                public String greet(String name) {
                    return environment.getProperty("shop.greeting", "hi") + " " + name + " #" + (++greeted);
                }
            }
            """;

    /**
     * A constructor that does more than store its parameters: the bean is made anew, the field the
     * constructor does not write carried over, and its holder gets the new one.
     */
    static final String GREETING_V3 = """
            package shop;
            import org.springframework.core.env.Environment;
            import org.springframework.stereotype.Service;
            @Service
            public class Greeting {
                private final Labels labels;
                private final String prefix;
                private int greeted;
                public Greeting(Labels labels, Environment environment) {
                    this.labels = labels;
                    this.prefix = environment.getProperty("shop.greeting", "hi").toUpperCase();
                }
                public String greet(String name) {
                    return prefix + " " + name + " #" + (++greeted);
                }
            }
            """;

    static final String BANNER = """
            package shop;
            import org.springframework.boot.context.properties.ConfigurationProperties;
            import org.springframework.stereotype.Component;
            @Component
            @ConfigurationProperties(prefix = "shop.banner")
            public class BannerProperties {
                private String text = "none";
                public String getText() { return text; }
                public void setText(String text) { this.text = text; }
            }
            """;

    /** A new controller (step 4); at step 10 it gains an endpoint calling a method that made its service advised. */
    static String stats(boolean cached) {
        return """
                package shop;
                import org.springframework.beans.factory.annotation.Autowired;
                import org.springframework.web.bind.annotation.GetMapping;
                import org.springframework.web.bind.annotation.RestController;
                @RestController
                public class StatsController {
                    @Autowired
                    private Tally tally;
                    @Autowired
                    private BannerProperties banner;

                    @GetMapping("/stats")
                    public String stats() {
                        return "stats:" + tally.next();
                    }

                    @GetMapping("/banner")
                    public String banner() {
                        return banner.getText();
                    }
                """ + (cached ? """
                    @GetMapping("/cached")
                    public String cached() {
                        return "cached:" + tally.cached("k");
                    }
                """ : "") + "}\n";
    }

    /** A service that was not proxied; at step 10 a @Cacheable method makes it advised. */
    static String tally(boolean cached) {
        return """
                package shop;
                import org.springframework.cache.annotation.Cacheable;
                import org.springframework.stereotype.Service;
                @Service
                public class Tally {
                    private int n;
                    public int next() {
                        return ++n;
                    }
                """ + (cached ? """
                    @Cacheable("tallies")
                    public int cached(String key) {
                        return ++n;
                    }
                """ : "") + "}\n";
    }

    static final String PROPERTIES_V1 = "shop.currency=EUR\nshop.banner.text=welcome\n";
    static final String PROPERTIES_V2 = "shop.currency=USD\nshop.banner.text=hello again\n";

    /**
     * The controller at each step. {@code hits} counts every request it served: it must go on
     * across every edit.
     */
    static String controller(int step) {
        StringBuilder b = new StringBuilder("""
                package shop;
                import java.util.function.Supplier;
                import org.springframework.beans.factory.annotation.Autowired;
                import org.springframework.beans.factory.annotation.Value;
                import org.springframework.context.ApplicationContext;
                import org.springframework.web.bind.annotation.GetMapping;
                import org.springframework.web.bind.annotation.PostMapping;
                import org.springframework.web.bind.annotation.RequestBody;
                import org.springframework.web.bind.annotation.RestController;
                @RestController
                public class ShopController {
                    private final Greeting greeting;
                    private final Labels labels;
                    private int hits;
                    @Autowired
                    private ApplicationContext context;
                    @Autowired
                    private StringBuilder tags;
                    @GetMapping("/tags")
                    public String tags() {
                        hits++;
                        return tags.toString();
                    }
                """);
        if (step >= 5) {
            b.append("""
                        @Autowired
                        private Labels more;
                        @Value("${shop.currency:EUR}")
                        private String currency;
                        private final java.util.function.Function<String, String> shout = s -> s.toUpperCase() + "!";
                        private final StringBuilder seen = new StringBuilder("seen");
                    """);
        }
        b.append("""
                    public ShopController(Greeting greeting, Labels labels) {
                        this.greeting = greeting;
                        this.labels = labels;
                    }
                    @GetMapping("/count")
                    public int count() {
                        return ++hits;
                    }
                    @GetMapping("/hello")
                    public String hello() {
                        hits++;
                        return "%s";
                    }
                    @GetMapping("%s")
                    public Item item() {
                        hits++;
                        return new Item(%s);
                    }
                    @PostMapping("/echo")
                    public Item echo(@RequestBody Item item) {
                        hits++;
                        return item;
                    }
                    @GetMapping("/greet")
                    public String greet() {
                        hits++;
                        return greeting.greet("ann");
                    }
                """.formatted(step >= 1 ? "hello v2" : "hello v1", step >= 3 ? "/products" : "/items",
                step >= 2 ? "\"pen\", 3" : "\"pen\""));
        if (step >= 3 && step < 9) {
            b.append("""
                        @GetMapping("/new")
                        public String fresh() {
                            hits++;
                            return "a new mapping";
                        }
                    """);
        }
        if (step >= 5) {
            b.append("""
                        @GetMapping("/currency")
                        public String currency() {
                            hits++;
                            return currency + "/" + more.label("b");
                        }
                        @GetMapping("/shout")
                        public String shout() {
                            hits++;
                            return shout.apply(currency.toLowerCase()) + seen;
                        }
                    """);
        }
        if (step >= 7) {
            b.append("""
                        @GetMapping("/tag")
                        public String tag() {
                            hits++;
                            return labels.tag("t");
                        }
                    """);
        }
        if (step >= 8) {
            b.append("""
                        @GetMapping("/motto")
                        @SuppressWarnings("unchecked")
                        public String motto() {
                            hits++;
                            return ((Supplier<String>) context.getBean("motto")).get();
                        }
                    """);
        }
        return b.append("}\n").toString();
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lambdas and method references in constructors, field initializers and static initializers
 * (issue 24): added by a swap to a class whose objects exist (new objects get them, old ones keep
 * their state), in a class new to the program (rewritten as it loads, then swapped structurally
 * again), nested in a lambda, with their bodies edited (a lambda that a swapped constructor made
 * runs its new body, as any lambda made before a swap does; so does the lambda of a field
 * initializer that the object made before the first swap holds, though javac renumbered it), and
 * removed (that lambda then throws {@code NoSuchMethodError}, DCEVM's rule).
 */
class ConstructorLambdaTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Vets old = new Vets("old");
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " old=" + old.describe() + " made=" + new Vets("new").describe()
                                + " kept=" + Vets.kept() + " more=" + Vets.more() + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String VETS_V1 = """
            package app;
            import java.util.function.Supplier;
            public class Vets {
                private final String name;
                private int count;
                private final Supplier<String> label = () -> "L1-" + getName();
                public Vets(String name) { this.name = name; count = 1; }
                String getName() { return name; }
                String describe() { return name + "#" + count + " " + label.get(); }
                static String kept() { return "none"; }
                static String more() { return "none"; }
            }
            """;

    /** A field initialized by a method reference, one by a lambda, one set in the constructor, and statics. */
    private static String vets(String label, String tag, String constructor) {
        return """
                package app;
                import java.util.Comparator;
                import java.util.function.Function;
                import java.util.function.Supplier;
                public class Vets {
                    private final String name;
                    private int count;
                    private final Comparator<Vets> byName = Comparator.comparing(Vets::getName);
                    private final Supplier<String> tag = () -> "%s" + count;
                    private final Supplier<String> label = () -> "%s-" + getName();
                    private Supplier<String> greeting;
                    static final Function<String, String> SHOUT = s -> s.toUpperCase();
                    static final Vets KEPT = new Vets("kept");
                    public Vets(String name) { this.name = name; count = 1; %s }
                    String getName() { return name; }
                    String describe() {
                        return name + "#" + count + " " + label.get() + " " + (tag == null ? "no-tag" : tag.get()) + " "
                                + greet() + " " + SHOUT.apply(name)
                                + " cmp=" + (byName == null ? "none" : byName.compare(this, new Vets("m")));
                    }
                    String greet() {
                        try {
                            return greeting == null ? "no-greeting" : greeting.get();
                        } catch (NoSuchMethodError e) {
                            return "removed";
                        }
                    }
                    static String kept() { return KEPT.describe(); }
                    static String more() { return Kennel.describe(); }
                }
                """.formatted(tag, label, constructor);
    }

    private static String greeting(String word) {
        return "greeting = () -> \"" + word + " \" + this.name;";
    }

    /**
     * A class new to the program: lambdas in field initializers (one nested in another), in its
     * static initializer, a method reference to Vets; {@code more} adds members, {@code describe} text.
     */
    private static String kennel(String size, String more, String describe) {
        return """
                package app;
                import java.util.Comparator;
                import java.util.function.Function;
                import java.util.function.Supplier;
                public class Kennel {
                    static final Supplier<String> STATIC_LAMBDA;
                    static { STATIC_LAMBDA = () -> "s1"; }
                    static final Kennel INSTANCE = new Kennel();
                    private final Comparator<Vets> order = Comparator.comparing(Vets::getName);
                    private final Supplier<String> size = () -> "%s";
                    private final Function<Integer, Supplier<String>> nested = n -> () -> "n" + n;
                    %s
                    static String describe() {
                        return "kennel=" + INSTANCE.size.get() + "," + STATIC_LAMBDA.get() + "," + INSTANCE.nested.apply(2).get()
                                + "," + new Kennel().size.get() + "," + INSTANCE.order.compare(new Vets("a"), new Vets("b"))%s;
                    }
                }
                """.formatted(size, more, describe);
    }

    private static final String KENNEL_V1 = kennel("k1", "", "");

    /** Kennel swapped structurally: a body edited, a field with a lambda and a method added. */
    private static final String KENNEL_V2 = kennel("k3", """
            private final Supplier<String> color = () -> "brown";
                static String extra() {
                    return new Kennel().color.get() + (INSTANCE.color == null ? "-old-null" : "-old-set");
                }""", " + \",\" + extra()");

    @Test
    void lambdasInConstructorsAndInitializersAddedEditedAndInNewClasses() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Vets", VETS_V1);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await("old=old#1 L1-old made=new#1 L1-new kept=none more=none end");
            // Added to a class whose object exists, and a new class with lambdas in its initializers.
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Vets", vets("L1", "T", greeting("hi")));
            v2.put("app.Kennel", KENNEL_V1);
            Javac.compile(classes, v2, classes);
            // The object made before gets the added fields from their initializers (and the constructor's
            // statement that uses only this) at their first read: its lambdas capture it.
            child.await("old=old#1 L1-old T1 hi old OLD cmp=2 made=new#1 L1-new T1 hi new NEW cmp=1"
                    + " kept=kept#1 L1-kept T1 hi kept KEPT cmp=-2 more=kennel=k1,s1,n2,k1,-1 end");
            // Bodies of lambdas made by a swapped constructor edited; the new class swapped structurally.
            Map<String, String> v3 = new LinkedHashMap<>();
            v3.put("app.Vets", vets("L3", "U", greeting("hello")));
            v3.put("app.Kennel", KENNEL_V2);
            Javac.compile(classes, v3, classes);
            child.await("old=old#1 L3-old U1 hello old OLD cmp=2 made=new#1 L3-new U1 hello new NEW cmp=1"
                    + " kept=kept#1 L3-kept U1 hello kept KEPT cmp=-2 more=kennel=k3,s1,n2,k3,-1,brown-old-set end");
            // The constructor's lambda removed: the object a swapped constructor made throws
            // NoSuchMethodError when it calls it (its body is gone from the source), as any lambda's.
            Javac.compile(classes, Map.of("app.Vets", vets("L3", "U", "")), classes);
            // The old object's lambda was made by the initializer run for it (code of a version, not
            // the constructor): it keeps the body it last had, as a lambda a swapped method made does.
            child.await("old=old#1 L3-old U1 hello old OLD cmp=2 made=new#1 L3-new U1 no-greeting NEW cmp=1"
                    + " kept=kept#1 L3-kept U1 removed KEPT cmp=-2 more=kennel=k3,s1,n2,k3,-1,brown-old-set end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("cannot rewrite").doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

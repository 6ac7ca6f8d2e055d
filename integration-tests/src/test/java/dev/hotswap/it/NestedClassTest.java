package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nested, inner, local and anonymous classes added to a running class (its NestMembers grow,
 * which plain HotSwap refuses), reaching the host's private members and it theirs; an enum
 * switch (javac's {@code $SwitchMap$} class); a brand-new top-level class calling a method added
 * in the same compile; then the new classes changed again and one removed.
 */
class NestedClassTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Shop shop = new Shop();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + shop.report());
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String SIZE = """
            package app;
            public enum Size { S, L }
            """;

    private static final String V1 = """
            package app;
            public class Shop {
                private int sold;
                private String name = "corner";
                private static int made = 40;
                public Shop() { made++; }
                public String report() { sold++; return "v1 sold=" + sold; }
            }
            """;

    private static final String V2 = """
            package app;
            import java.util.function.Supplier;
            public class Shop {
                private int sold;
                private String name = "corner";
                private static int made = 40;
                public Shop() { made++; }
                private String secret() { return "s" + sold; }
                static final class Receipt {
                    private final int n;
                    private Receipt(int n) { this.n = n; }
                    private String text() { return "r" + n; }
                }
                final class Clerk {
                    private String greet() { return "clerk@" + name + "/" + secret(); }
                }
                public String report() {
                    sold++;
                    Receipt r = new Receipt(sold);
                    Supplier<String> anon = new Supplier<>() {
                        public String get() { made++; return "anon" + (made > 40) + "/" + name.length(); }
                    };
                    class Local { String hi() { return "local" + sold; } }
                    String size = switch (Size.values()[sold % 2]) { case S -> "small"; case L -> "large"; };
                    return "v2 sold=" + sold + " " + r.text() + "=" + r.n + " " + new Clerk().greet() + " " + anon.get()
                            + " " + new Local().hi() + " " + size + " " + Ledger.entry(this);
                }
                String owner() { return "owner-" + name; }
            }
            """;

    private static final String LEDGER = """
            package app;
            public class Ledger {
                static String entry(Shop shop) { return "ledger:" + shop.owner(); }
            }
            """;

    private static final String V3 = """
            package app;
            public class Shop {
                private int sold;
                private String name = "corner";
                private static int made = 40;
                public Shop() { made++; }
                // Kept: a report() of v2 running when v3 arrives still calls them through Clerk and Ledger
                // (a method removed by a swap gives NoSuchMethodError to such a call, as documented).
                private String secret() { return "s" + sold; }
                String owner() { return "owner-" + name; }
                static final class Receipt {
                    private final int n;
                    private Receipt(int n) { this.n = n; }
                    private String text() { return "R" + (n * 10) + tax(); }
                    private static String tax() { return "+tax"; }
                }
                public String report() {
                    sold++;
                    return "v3 sold=" + sold + " " + new Receipt(sold).text();
                }
            }
            """;

    @Test
    void nestedClassesComeAndGoWhileTheHostKeepsItsState() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Size", SIZE);
        all.put("app.Shop", V1);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            String before = child.await("v1 sold=");
            int sold = Integer.parseInt(before.replaceAll(".*v1 sold=(\\d+).*", "$1"));
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Shop", V2);
            v2.put("app.Ledger", LEDGER);
            Javac.compile(classes, v2, classes);
            String line = child.await(" v2 sold=");
            int after = Integer.parseInt(line.replaceAll(".*v2 sold=(\\d+).*", "$1"));
            // The object made before the swap kept counting; every new class reaches the host's
            // private state and the host theirs.
            assertThat(after).isGreaterThan(sold);
            assertThat(line).matches(".* v2 sold=" + after + " r" + after + "=" + after + " clerk@corner/s" + after
                    + " anontrue/6 local" + after + " (small|large) ledger:owner-corner");
            Javac.compile(classes, Map.of("app.Shop", V3), classes);
            line = child.await(" v3 sold=");
            int third = Integer.parseInt(line.replaceAll(".*v3 sold=(\\d+).*", "$1"));
            assertThat(third).isGreaterThan(after);
            assertThat(line).endsWith(" v3 sold=" + third + " R" + (third * 10) + "+tax");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }

    private static final String BOOK_MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Book book = new Book();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + book.say() + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String BOOK_V1 = """
            package app;
            public class Book {
                String title = "foo";
                static class Page { String text() { return "static"; } }
                String say() { return new Page().text(); }
            }
            """;

    /**
     * Page loses static (it gains this$0, set before super()) and refers to a private method the
     * swap adds; a record and a method reference arrive.
     */
    private static final String BOOK_V2 = """
            package app;
            public class Book {
                String title = "bar";
                class Page {
                    String text() {
                        // A method reference to a private method the swap added, a lambda reading a private field.
                        java.util.function.IntFunction<String> stamp = Book::stamp;
                        java.util.function.Supplier<String> read = () -> title;
                        return "inner:" + read.get() + stamp.apply(7);
                    }
                }
                private static String stamp(int n) { return "#" + n; }
                record Pair(int a, String b) {}
                String say() {
                    return new Page().text() + " " + java.util.List.of(1, 2).stream().map(this::twice).toList() + " "
                            + new Pair(1, "x") + " " + Pair.class.getSimpleName();
                }
                private int twice(int x) { return x * 2; }
            }
            """;

    @Test
    void staticNestedClassBecomesInnerAndARecordArrives() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", BOOK_MAIN);
        all.put("app.Book", BOOK_V1);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" static end");
            Javac.compile(classes, Map.of("app.Book", BOOK_V2), classes);
            // The book made before the swap keeps its title; the record prints under its own simple name.
            child.await(" inner:foo#7 [2, 4] Pair[a=1, b=x] Pair end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

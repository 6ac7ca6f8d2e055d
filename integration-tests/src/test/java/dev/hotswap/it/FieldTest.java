package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fields added by a swap: objects made before keep every old field and get the new one from its
 * initializer at their first read, when it is one expression of constants, statics and
 * {@code this} (a lambda too); else they read it at its default, and the swap says so; new
 * objects run the new initializers; an added static field gets its initializer, other statics
 * keep their values.
 */
class FieldTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Account old = new Account(10);
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " old[" + Account.show(old) + "] new[" + Account.show(new Account(5))
                                + "]");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String V1 = """
            package app;
            public class Account {
                static int opened;
                private final int balance;
                public Account(int balance) { this.balance = balance; opened++; }
                public static String show(Account a) { return "v1 balance=" + a.balance; }
            }
            """;

    private static final String V2 = """
            package app;
            import java.util.ArrayList;
            import java.util.List;
            public class Account {
                static int opened;
                static List<String> log = new ArrayList<>();
                private final int balance;
                private String owner = "nobody";
                private int visits;
                private long big = 7;
                private final java.util.function.Supplier<String> greet = () -> "hi " + amount();
                private final List<String> tags = new ArrayList<>(List.of("a", "b"));
                private final String mood = amount() > 5 ? "rich" : "poor";
                private final int twice;
                public Account(int balance) { this.balance = balance; this.twice = balance * 2; opened++; }
                int amount() { return balance; }
                public static String show(Account a) {
                    a.visits++;
                    log.add("seen");
                    return "v2 balance=" + a.balance + " owner=" + a.owner + " visits=" + a.visits + " big=" + a.big
                            + " log=" + (log.size() > 0) + " opened=" + (opened > 2) + " greet=" + a.greet.get()
                            + " tags=" + a.tags + " mood=" + a.mood + " twice=" + a.twice;
                }
            }
            """;

    @Test
    void fieldsAddedKeepOldStateAndGetTheirInitializersAtFirstRead() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Account", V1);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await("old[v1 balance=10] new[v1 balance=5]");
            Javac.compile(classes, Map.of("app.Account", V2), classes);
            String line = child.await("old[v2");
            // The old object: its balance kept; the new fields from their initializers, run for it at its
            // first read (the lambda captures it); those whose code cannot run alone at 0 / null.
            assertThat(line).contains("old[v2 balance=10 owner=nobody visits=1 big=7 log=true opened=true greet=hi 10"
                    + " tags=[a, b] mood=null twice=0]");
            // A new object runs the new constructor with the new initializers.
            assertThat(line).contains("new[v2 balance=5 owner=nobody visits=1 big=7 log=true opened=true greet=hi 5"
                    + " tags=[a, b] mood=poor twice=10]");
            child.await("old[v2 balance=10 owner=nobody visits=5 ");
            // Said once, naming each field left at its default and why.
            String reloaded = child.await("hotswap: reloaded 1 class");
            assertThat(child.output()).contains("read the added field mood as 0, null, false: its initializer has branches")
                    .contains("read the added field twice as 0, null, false: the constructor sets it from its parameters")
                    .doesNotContain("field owner as").doesNotContain("field greet as").doesNotContain("field visits as");
            assertThat(reloaded).contains("app.Account");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception");
        }
    }

    private static final String STALE_MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Card card = new Card();
                    for (long tick = 0; ; tick++) {
                        String seen;
                        try {
                            seen = Reader.read(card);
                        } catch (NoSuchFieldError e) {
                            // As the JVM throws it: a new error each time, its trace starting at the reader.
                            StackTraceElement top = e.getStackTrace()[0];
                            seen = "NoSuchFieldError@" + top.getClassName() + "." + top.getMethodName();
                        }
                        System.out.println("tick=" + tick + " " + card.show() + " reader=" + seen + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    /** Compiled once: it still names Card.points after a swap removes it. */
    private static final String READER = """
            package app;
            public class Reader {
                static String read(Card card) { return "points" + card.points; }
            }
            """;

    private static String card(String fields, String show) {
        return """
                package app;
                public class Card {
                    %s
                    String show() { return %s; }
                }
                """.formatted(fields, show);
    }

    @Test
    void codeNotRecompiledThatNamesARemovedFieldGetsNoSuchFieldError() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", STALE_MAIN);
        all.put("app.Card", card("public int points = 3;", "\"v1\""));
        all.put("app.Reader", READER);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1 reader=points3 end");
            Javac.compile(classes, Map.of("app.Card", card("public String owner = \"me\";", "\"v2 \" + owner")), classes);
            // The object made before: its new field from its initializer; the stale reader fails as after a fresh compile.
            child.await(" v2 me reader=NoSuchFieldError@app.Reader.read end");
            Javac.compile(classes, Map.of("app.Card", card("public int points = 4;", "\"v3\"")), classes);
            // Back: a new field (scenario 20, as DCEVM and a fresh class would have it), from its new
            // initializer for the object made before; never the value the loaded field still holds (3).
            child.await(" v3 reader=points4 end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed");
        }
    }

    private static final String FOLLOW_MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Holder holder = new Holder();
                    boolean following = false;
                    for (long tick = 0; ; tick++) {
                        String version = Holder.version();
                        if (!following && version.equals("v3")) {
                            following = true;
                            Thread follower = new Thread(Holder::follow, "follower");
                            follower.setDaemon(true);
                            follower.start();
                            System.out.println("follower started");
                        }
                        System.out.println("tick=" + tick + " " + version + " " + holder.show());
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String holder(String version, String fields, String show) {
        return """
                package app;
                public class Holder {
                    %s
                    static String version() { return "%s"; }
                    String show() { return %s; }
                    static void follow() {
                        String seen = version();
                        while (true) {
                            String now = version();
                            if (!now.equals(seen)) {
                                System.out.println("follower saw " + now);
                                seen = now;
                            }
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }
                """.formatted(fields, version, show);
    }

    /**
     * A field removed, brought back and removed again (v1 has it, v2 not, v3 again, v4 not, then
     * v1): a frame that began in v3 and waits for the next swap by asking its class's version
     * sees v4 and v1 come. Before, its calls to static methods of its own class went to v3's
     * copies: it waited for ever, with no output and no error.
     */
    @Test
    void aFrameRunningInAVersionSeesTheSwapsAfterIt() throws Exception {
        Path classes = dir.resolve("classes");
        String v1 = holder("v1", "int f = 7; static int s = 3;", "\"f=\" + (f++) + \" s=\" + (s++)");
        String gone = "\"no f\"";
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", FOLLOW_MAIN);
        all.put("app.Holder", v1);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1 f=");
            Javac.compile(classes, Map.of("app.Holder", holder("v2", "", gone)), classes);
            child.await(" v2 no f");
            Javac.compile(classes, Map.of("app.Holder", holder("v3", "int f = 8; static int s = 4;",
                    "\"f=\" + (f++) + \" s=\" + (s++)")), classes);
            child.await("follower started");
            Javac.compile(classes, Map.of("app.Holder", holder("v4", "", gone)), classes);
            child.await("follower saw v4");
            Javac.compile(classes, Map.of("app.Holder", v1), classes);
            child.await("follower saw v1");
            child.awaitMore(3, "tick=");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

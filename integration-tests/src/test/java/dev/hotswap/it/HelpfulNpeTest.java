package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NullPointerException thrown in code a structural swap brought in carries the JDK's helpful
 * message, word for word what the same class files give in a fresh JVM: a local, a parameter, a
 * field added by the swap, a static field, a method's return value, an array, a call to a method
 * the swap added on a null receiver; with and without local variable names; fields added by the
 * swap read in a loaded class whose body changed.
 */
class HelpfulNpeTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    for (long tick = 0; ; tick++) {
                        StringBuilder line = new StringBuilder("tick=" + tick);
                        for (int c = 0; c < Svc.CASES; c++) {
                            try {
                                line.append(" |").append(new Svc().run(c));
                            } catch (NullPointerException e) {
                                line.append(" |NPE: ").append(e.getMessage())
                                        .append(" at ").append(e.getStackTrace()[0].getMethodName());
                            }
                        }
                        System.out.println(line.append(" end"));
                        if (args.length > 0) {
                            return;
                        }
                        Thread.sleep(25);
                    }
                }
            }
            """;
    private static final String V1 = """
            package app;
            public class Svc {
                static final int CASES = 9;
                String run(int c) { return "v1"; }
            }
            """;
    private static final String V2 = """
            package app;
            public class Svc {
                static final int CASES = 9;
                static String shared;
                String name;
                Svc next;
                String run(int c) {
                    String local = null;
                    int[] numbers = null;
                    switch (c) {
                        case 0: return "" + local.length();
                        case 1: return "" + name.length();
                        case 2: return "" + shared.trim();
                        case 3: return "" + helper().isEmpty();
                        case 4: numbers[0] = 1; return "stored";
                        case 5: return "" + use(null);
                        case 6: return next.added();
                        case 7: return "" + made().name.length();
                        default: return "" + next.name.length();
                    }
                }
                static String helper() { return null; }
                static Svc made() { return new Svc(); }
                static int use(String text) { return text.length(); }
                String added() { return "added"; }
            }
            """;

    @Test
    void messagesAreAFreshStarts() throws Exception {
        for (boolean names : new boolean[] {false, true}) {
            Path run = dir.resolve(names ? "named" : "plain");
            Path classes = run.resolve("classes");
            Map<String, String> app = new LinkedHashMap<>();
            app.put("app.Main", MAIN);
            app.put("app.Svc", V1);
            compile(classes, app, names);
            // The oracle: the same class files of v2 in a fresh JVM without hotswap.
            Path fresh = run.resolve("fresh");
            app.put("app.Svc", V2);
            compile(fresh, app, names);
            String expected;
            try (ChildJvm oracle = ChildJvm.start(run, List.of("-cp", fresh.toString(), "app.Main", "once"))) {
                expected = oracle.await(" end");
            }
            assertThat(expected).contains("|NPE: Cannot invoke \"String.length()\" because")
                    .contains("because \"app.Svc.made().name\" is null")
                    .contains("because the return value of \"app.Svc.helper()\" is null");
            try (ChildJvm child = ChildJvm.withAgent(run, "quiet=150ms", classes, "app.Main")) {
                child.await(" |v1 |v1");
                compile(classes, Map.of("app.Svc", V2), names);
                // A tick that straddles the swap runs some cases in v1: the next one runs all of them in v2.
                String after = child.await(child.mark(), l -> l.contains(" |NPE") && !l.contains("|v1"), "a tick all in v2");
                assertThat(after.substring(after.indexOf(' '))).isEqualTo(expected.substring(expected.indexOf(' ')));
            }
        }
    }

    private static final String ADDED_MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    for (long tick = 0; ; tick++) {
                        StringBuilder line = new StringBuilder("tick=" + tick);
                        for (int c = 0; c < 6; c++) {
                            try {
                                line.append(" |").append(new Svc().run(c));
                            } catch (NullPointerException e) {
                                line.append(" |NPE: ").append(e.getMessage());
                            }
                            try {
                                line.append(" |").append(User.use(new Svc(), c));
                            } catch (NullPointerException e) {
                                line.append(" |user NPE: ").append(e.getMessage());
                            }
                        }
                        System.out.println(line.append(" end"));
                        if (args.length > 0) {
                            return;
                        }
                        Thread.sleep(25);
                    }
                }
            }
            """;
    private static final String NODE = """
            package app;
            public class Node {
                public int x;
                String get() { return "node"; }
            }
            """;
    /** The fields a swap adds, read in the class's new version and in a class whose body alone changes. */
    private static final String CASES = """
            switch (c) {
                case 0: return "" + %1$smissing.length();
                case 1: return "" + %1$snode.x;
                case 2: return "" + Svc.smissing.length();
                case 3: return "" + Svc.snode.x;
                case 4: return "" + %1$snode.get();
                default: return "" + Svc.snode.get();
            }
            """;
    private static final String ADDED_V1 = """
            package app;
            public class Svc {
                String run(int c) { return "v1"; }
            }
            """;
    private static final String ADDED_V2 = """
            package app;
            public class Svc {
                String missing;
                Node node;
                static String smissing;
                static Node snode;
                String run(int c) {
                    %s
                }
            }
            """.formatted(CASES.formatted(""));
    private static final String USER_V1 = """
            package app;
            public class User {
                static String use(Svc s, int c) { return "u1"; }
            }
            """;
    private static final String USER_V2 = """
            package app;
            public class User {
                static String use(Svc s, int c) {
                    %s
                }
            }
            """.formatted(CASES.formatted("s."));

    /**
     * Fields a swap added, instance and static, null when read: by {@code getfield} and by a call
     * on their value, in the new version (named and hidden) and in a loaded class whose new body
     * reads them (the JVM's own message stopped at {@code because "} there: the value comes from
     * the engine), as a fresh start words it.
     */
    @Test
    void messagesForAddedFieldsAreAFreshStarts() throws Exception {
        Map<String, String> app = new LinkedHashMap<>();
        app.put("app.Main", ADDED_MAIN);
        app.put("app.Node", NODE);
        app.put("app.Svc", ADDED_V2);
        app.put("app.User", USER_V2);
        Path fresh = dir.resolve("fresh");
        Javac.compile(fresh, app, fresh);
        String expected;
        try (ChildJvm oracle = ChildJvm.start(dir, List.of("-cp", fresh.toString(), "app.Main", "once"))) {
            expected = oracle.await(" end");
        }
        assertThat(expected).contains("|NPE: Cannot read field \"x\" because \"this.node\" is null")
                .contains("|user NPE: Cannot invoke \"String.length()\" because \"<parameter1>.missing\" is null")
                .contains("|user NPE: Cannot read field \"x\" because \"app.Svc.snode\" is null");
        for (String shape : new String[] {"named", "hidden"}) {
            Path classes = dir.resolve(shape);
            app.put("app.Svc", ADDED_V1);
            app.put("app.User", USER_V1);
            Javac.compile(classes, app, classes);
            try (ChildJvm child = ChildJvm.start(dir, List.of("-Dhotswap.versions=" + shape,
                    "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms",
                    "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"))) {
                child.await(" |v1 |u1");
                Javac.compile(classes, Map.of("app.Svc", ADDED_V2, "app.User", USER_V2), classes);
                String after = child.await(child.mark(), l -> l.contains(" end") && !l.contains("|v1") && !l.contains("|u1"),
                        "a tick all in the new code");
                assertThat(after.substring(after.indexOf(' '))).as(shape).isEqualTo(expected.substring(expected.indexOf(' ')));
                // Added statics without initializers (smissing, snode): nothing to run, so no warning that it failed.
                assertThat(child.output()).as(shape).doesNotContain("not reloaded").doesNotContain("reload failed")
                        .doesNotContain("static initializer threw");
            }
        }
    }

    private static void compile(Path out, Map<String, String> sources, boolean names) throws java.io.IOException {
        if (names) {
            Javac.compileWith(List.of("-g"), out, sources, out);
        } else {
            Javac.compile(out, sources, out);
        }
    }
}

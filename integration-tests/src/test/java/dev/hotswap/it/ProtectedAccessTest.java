package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subclass in another package than its superclass, swapped structurally: its new code calls
 * the superclass's protected methods (one inherited as loaded, one the same swap adds), reads
 * a protected field, and makes a method reference to a protected method. The JVM lets only
 * subclasses do that; the engine's new code lives in a hidden class that is none.
 */
class ProtectedAccessTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Kid kid = new Kid();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + kid.say() + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static String base(String extra) {
        return """
                package lib;
                public class Base {
                    protected int level = 4;
                    protected String base() { return "base"; }
                    %s
                }
                """.formatted(extra);
    }

    private static String kid(String body, String extra) {
        return """
                package app;
                public class Kid extends lib.Base {
                    public String say() { %s }
                    %s
                }
                """.formatted(body, extra);
    }

    @Test
    void newCodeReachesProtectedMembersOfAnotherPackage() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("lib.Base", base(""));
        all.put("app.Kid", kid("return \"v1 \" + base();", ""));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1 base end");
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("lib.Base", base("protected String extra() { return \"extra\"; }"));
            v2.put("app.Kid", kid("java.util.function.Supplier<String> ref = this::base;"
                    + " return \"v2 \" + base() + \" \" + extra() + \" \" + level + \" \" + ref.get() + \" \" + helper();",
                    "private String helper() { level++; return \"helper\"; }"));
            Javac.compile(classes, v2, classes);
            String line = child.await(" v2 base extra ");
            assertThat(line).matches(".* v2 base extra \\d+ base helper end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("Exception").doesNotContain("Error");
        }
    }
}

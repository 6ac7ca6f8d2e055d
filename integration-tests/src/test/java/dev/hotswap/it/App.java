package dev.hotswap.it;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The program most tests run: a loop printing what a static method, an object created before
 * any swap, and a lambda created before any swap return, with a counter that must keep counting.
 */
final class App {
    static final String MAIN = "app.Main";
    private static final Pattern COUNT = Pattern.compile("count=(\\d+)");

    private App() {
    }

    /** How {@code main} starts hotswap, if it does. */
    enum Start {
        NONE(""),
        LIBRARY("""
                dev.hotswap.Hotswap first = dev.hotswap.Hotswap.start();
                dev.hotswap.Hotswap second = dev.hotswap.Hotswap.start();
                System.out.println("active=" + first.isActive() + "," + second.isActive());
                first.addListener(o -> System.out.println("listener: " + o.getClass().getSimpleName() + " " + o.classes()));
                """);

        final String code;

        Start(String code) {
            this.code = code;
        }
    }

    static Map<String, String> sources(Start start, int version) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put(MAIN, main(start));
        sources.put("app.Target", target(version));
        sources.put("app.Counter", counter(version == 1 ? "hello" : "howdy" + version));
        return sources;
    }

    static String main(Start start) {
        return """
                package app;
                import java.util.function.Supplier;
                public class Main {
                    public static void main(String[] args) throws Exception {
                        %s
                        Counter counter = new Counter();
                        Supplier<String> lambda = Target.lambda();
                        for (long tick = 0; ; tick++) {
                            System.out.println("tick=" + tick + " value=" + Target.value() + " greet=" + counter.greet()
                                    + " lambda=" + lambda.get() + " count=" + counter.count);
                            Thread.sleep(20);
                        }
                    }
                }
                """.formatted(start.code);
    }

    static String target(int version) {
        return """
                package app;
                import java.util.function.Supplier;
                public class Target {
                    public static int value() {
                        return %d;
                    }
                    public static Supplier<String> lambda() {
                        return () -> "L%d";
                    }
                }
                """.formatted(version, version);
    }

    static String counter(String greeting) {
        return """
                package app;
                public class Counter {
                    int count;
                    String greet() {
                        count++;
                        return "%s";
                    }
                }
                """.formatted(greeting);
    }

    static long count(String line) {
        Matcher m = COUNT.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no count in: " + line);
        }
        return Long.parseLong(m.group(1));
    }
}

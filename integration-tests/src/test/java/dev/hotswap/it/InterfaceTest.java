package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods added to an interface (scenario 41): an abstract one with its implementations, a
 * default one, a static one, called through the interface on objects made before the swap;
 * then an interface added to a class's {@code implements} list, which is refused by name.
 */
class InterfaceTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.List;
            public class Main {
                public static void main(String[] args) throws Exception {
                    List<Shape> shapes = List.of(new Square(2), new Circle(1));
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + Report.of(shapes) + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String SHAPE_V1 = """
            package app;
            public interface Shape {
                int area();
            }
            """;

    private static final String SHAPE_V2 = """
            package app;
            public interface Shape {
                int area();
                String name();
                default String describe() { return name() + "=" + area(); }
                static String unit() { return "cm2"; }
            }
            """;

    private static String square(String extra) {
        return """
                package app;
                public class Square implements Shape {
                    private final int side;
                    public Square(int side) { this.side = side; }
                    public int area() { return side * side; }
                    %s
                }
                """.formatted(extra);
    }

    private static String circle(String header, String extra) {
        return """
                package app;
                public class Circle %s {
                    private final int r;
                    public Circle(int r) { this.r = r; }
                    public int area() { return 3 * r * r; }
                    %s
                }
                """.formatted(header, extra);
    }

    private static String report(String body) {
        return """
                package app;
                import java.util.List;
                public class Report {
                    static String of(List<Shape> shapes) {
                        StringBuilder out = new StringBuilder();
                        for (Shape s : shapes) {
                            out.append(%s).append(' ');
                        }
                        return out.toString().trim();
                    }
                }
                """.formatted(body);
    }

    @Test
    void methodsAddedToAnInterfaceReachObjectsMadeBefore() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Shape", SHAPE_V1);
        all.put("app.Square", square(""));
        all.put("app.Circle", circle("implements Shape", ""));
        all.put("app.Report", report("s.area()"));
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" 4 3 end");
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Shape", SHAPE_V2);
            v2.put("app.Square", square("public String name() { return \"square\"; }"));
            v2.put("app.Circle", circle("implements Shape", "public String name() { return \"circle\"; }"));
            v2.put("app.Report", report("s.describe() + Shape.unit()"));
            Javac.compile(classes, v2, classes);
            child.await(" square=4cm2 circle=3cm2 end");
            // An interface added to a class: refused by name, the program keeps running v2.
            Javac.compile(classes, Map.of("app.Circle", circle("implements Shape, java.io.Serializable",
                    "public String name() { return \"round\"; }")), classes);
            String refusal = child.await("hotswap: not reloaded app.Circle:");
            assertThat(refusal).contains("implemented interfaces changed").contains("java.io.Serializable");
            int mark = child.mark();
            child.awaitAfter(mark, " square=4cm2 circle=3cm2 end");
            assertThat(child.output()).doesNotContain("reload failed").doesNotContain("Exception")
                    .doesNotContain("Error");
        }
    }

    private static final String PROXY_MAIN = """
            package app;
            import java.lang.reflect.Proxy;
            public class Main {
                public static void main(String[] args) throws Exception {
                    Greeter before = Greeters.make("before");
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + Use.of(before, Greeters.make("after" + tick)) + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String GREETERS = """
            package app;
            import java.lang.reflect.Proxy;
            public class Greeters {
                /** A JDK proxy whose handler answers with the method's name, its arguments and the proxy's tag. */
                static Greeter make(String tag) {
                    return (Greeter) Proxy.newProxyInstance(Greeter.class.getClassLoader(), new Class<?>[] {Greeter.class},
                            (proxy, method, args) -> {
                                if (method.getName().equals("fail")) {
                                    throw new java.io.IOException("checked from " + tag);
                                }
                                return method.getName() + "(" + (args == null ? "" : String.valueOf(args[0])) + ")@" + tag;
                            });
                }
            }
            """;

    private static final String GREETER_V1 = """
            package app;
            public interface Greeter {
                String hello(String who);
            }
            """;

    private static final String GREETER_V2 = """
            package app;
            public interface Greeter {
                String hello(String who);
                String shout(int times);
                String fail();
            }
            """;

    private static final String USE_V1 = """
            package app;
            public class Use {
                static String of(Greeter before, Greeter after) { return before.hello("a") + " " + after.hello("b"); }
            }
            """;

    private static final String USE_V2 = """
            package app;
            public class Use {
                static String of(Greeter before, Greeter after) {
                    String failed;
                    try {
                        failed = before.fail();
                    } catch (java.lang.reflect.UndeclaredThrowableException e) {
                        failed = "undeclared:" + e.getCause().getMessage();
                    }
                    return before.shout(2) + " " + after.shout(3).replaceAll("[0-9]+$", "") + " " + failed;
                }
            }
            """;

    /**
     * A method added to an interface, called on JDK proxies of it made before and after the swap
     * (the JDK keeps making them from the proxy class generated before): their invocation handler
     * takes the call with the added method, as a proxy generated now would; a checked exception
     * the method does not declare reaches the caller wrapped, as from any proxy.
     */
    @Test
    void aMethodAddedToAnInterfaceReachesTheHandlerOfItsJdkProxies() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", PROXY_MAIN);
        all.put("app.Greeters", GREETERS);
        all.put("app.Greeter", GREETER_V1);
        all.put("app.Use", USE_V1);
        Javac.compile(classes, all);
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" hello(a)@before hello(b)@after");
            Map<String, String> v2 = new LinkedHashMap<>();
            v2.put("app.Greeter", GREETER_V2);
            v2.put("app.Use", USE_V2);
            Javac.compile(classes, v2, classes);
            child.await(" shout(2)@before shout(3)@after undeclared:checked from before end");
            assertThat(child.output()).doesNotContain("reload failed").doesNotContain("NoSuchMethodError")
                    .doesNotContain("AbstractMethodError");
        }
    }
}

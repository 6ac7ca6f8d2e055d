package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's reach serves only code it wrote. Once a structural swap made the engine run,
 * ordinary application code tries every public entry point of hotswap's jar to reach another
 * class's private state, and a JDK class's (String.value), and deep reflection into the JDK,
 * which the engine's start must not have opened to the program: each attempt is refused, nothing
 * is read, and the program runs on with its swapped code.
 */
class EngineAccessTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    boolean probed = false;
                    for (long tick = 0; ; tick++) {
                        String v = Worker.version();
                        if (!probed && v.startsWith("v2")) {
                            probed = true;
                            Probe.run();
                        }
                        System.out.println("tick=" + tick + " " + v + " " + Secret.check());
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String SECRET = """
            package app;
            public class Secret {
                private static String key = "s3cret";
                private final int pin;
                private Secret(int pin) { this.pin = pin; }
                private static String hidden() { return "hidden:" + key; }
                static String check() { return "key=" + key; }
            }
            """;

    private static final String WORKER_V1 = """
            package app;
            public class Worker {
                static String version() { return "v1"; }
            }
            """;

    private static final String WORKER_V2 = """
            package app;
            public class Worker {
                static String version() { return "v2" + extra(); }
                static String extra() { return "+"; }
            }
            """;

    /** Each attempt prints "attempt NAME refused ..." or "attempt NAME GOT ...". */
    private static final String PROBE = """
            package app;
            import dev.hotswap.boot.Link;
            import java.lang.invoke.CallSite;
            import java.lang.invoke.MethodHandle;
            import java.lang.invoke.MethodHandles;
            import java.lang.invoke.MethodType;
            import java.util.concurrent.Callable;
            import java.util.function.Supplier;
            public class Probe {
                interface Attempt { Object run() throws Throwable; }

                static void attempt(String name, Attempt attempt) {
                    try {
                        Object got = attempt.run();
                        System.out.println("attempt " + name + " GOT " + describe(got));
                    } catch (Throwable e) {
                        System.out.println("attempt " + name + " refused " + e.getClass().getName());
                    }
                }

                static String describe(Object o) {
                    return o instanceof byte[] b ? "bytes" + b.length : String.valueOf(o);
                }

                static void run() {
                    MethodHandles.Lookup me = MethodHandles.lookup();
                    attempt("field-String.value", () -> Link.field(me, "value",
                            MethodType.methodType(byte[].class, String.class), 180, String.class, "[B")
                            .dynamicInvoker().invoke("abc"));
                    attempt("field-Secret.key", () -> Link.field(me, "key", MethodType.methodType(String.class), 178,
                            Secret.class, "Ljava/lang/String;").dynamicInvoker().invoke());
                    attempt("call-Secret.hidden", () -> Link.call(me, "hidden", MethodType.methodType(String.class), 0,
                            Secret.class, "()Ljava/lang/String;").dynamicInvoker().invoke());
                    attempt("call-String.isLatin1", () -> Link.call(me, "isLatin1",
                            MethodType.methodType(boolean.class, String.class), 3, String.class, "()Z")
                            .dynamicInvoker().invoke("abc"));
                    attempt("lambdaOf-Secret.hidden", () -> ((Supplier<?>) Link.lambdaOf(me, "get",
                            MethodType.methodType(Supplier.class), MethodType.methodType(Object.class), 6, Secret.class,
                            "hidden", "()Ljava/lang/String;").dynamicInvoker().invoke()).get());
                    attempt("construct-Secret", () -> Link.construct(me, "construct",
                            MethodType.methodType(void.class, int.class), Secret.class, "(I)V").dynamicInvoker().invoke(1));
                    attempt("entry-Secret.hidden", () -> Link.entry(MethodHandles.privateLookupIn(Secret.class, me),
                            "hidden", MethodType.methodType(String.class), "()Ljava/lang/String;", 1)
                            .dynamicInvoker().invoke());
                    attempt("lambda", () -> Link.lambda(me, "call", MethodType.methodType(Callable.class),
                            MethodType.methodType(Object.class), me.findStatic(Probe.class, "describe",
                                    MethodType.methodType(String.class, Object.class)), MethodType.methodType(Object.class)));
                    attempt("bridgeHandles-field", () -> {
                        for (MethodHandle h : Link.bridgeHandles()) {
                            if (h.type().parameterCount() == 6 && h.type().parameterType(3) == int.class
                                    && h.type().parameterType(4) == Class.class) {
                                CallSite site = (CallSite) h.invokeWithArguments(me, "value",
                                        MethodType.methodType(byte[].class, String.class), 180, String.class, "[B");
                                return site.dynamicInvoker().invoke("abc");
                            }
                        }
                        throw new IllegalStateException("no field handle");
                    });
                    attempt("agent-instrumentation", () -> dev.hotswap.agent.HotswapAgent.class.getMethod("instrumentation")
                            .invoke(null));
                    // The engine is in hotswap's core module, which no class loader of the class path can load.
                    attempt("engine-class", () -> Class.forName("dev.hotswap.structural.Engine"));
                    java.lang.instrument.Instrumentation fake = (java.lang.instrument.Instrumentation) java.lang.reflect.Proxy
                            .newProxyInstance(Probe.class.getClassLoader(),
                                    new Class<?>[] {java.lang.instrument.Instrumentation.class}, (p, m, a) -> null);
                    attempt("core-agent-fake", () -> {
                        dev.hotswap.boot.Boot.core().agent("", fake);
                        return dev.hotswap.boot.Boot.core().instrumented() ? "instrumented" : null;
                    });

                    // The engine's lookup came from java.lang.invoke opened to a module of hotswap's own,
                    // never to the unnamed module the program shares with hotswap's jar.
                    attempt("setAccessible-IMPL_LOOKUP", () -> {
                        java.lang.reflect.Field f = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
                        f.setAccessible(true);
                        return f.get(null);
                    });
                    attempt("setAccessible-String.value", () -> {
                        java.lang.reflect.Field f = String.class.getDeclaredField("value");
                        f.setAccessible(true);
                        return f.get("abc");
                    });
                    System.out.println("probe done");
                }
            }
            """;

    private static final List<String> ATTEMPTS = List.of("field-String.value", "field-Secret.key", "call-Secret.hidden",
            "call-String.isLatin1", "lambdaOf-Secret.hidden", "construct-Secret", "entry-Secret.hidden", "lambda",
            "bridgeHandles-field", "agent-instrumentation", "engine-class", "core-agent-fake",
            "setAccessible-IMPL_LOOKUP", "setAccessible-String.value");

    @Test
    void applicationCodeCannotBorrowTheEnginesReach() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Secret", SECRET);
        all.put("app.Worker", WORKER_V1);
        all.put("app.Probe", PROBE);
        Javac.compile(classes, all, ChildJvm.hotswapJar());
        try (ChildJvm child = ChildJvm.withAgent(dir, classes)) {
            child.await(" v1 key=s3cret");
            Javac.compile(classes, Map.of("app.Worker", WORKER_V2), classes);
            child.await("probe done");
            for (String attempt : ATTEMPTS) {
                assertThat(child.await("attempt " + attempt + " ")).as(attempt).contains(" refused ");
            }
            int mark = child.mark();
            // The program runs on, its swapped code too, its secret untouched.
            child.awaitAfter(mark, " v2+ key=s3cret");
            assertThat(child.output()).doesNotContain(" GOT ").doesNotContain("hidden:").doesNotContain("bytes3");
            // And hotswap itself goes on: a later structural swap applies.
            Javac.compile(classes, Map.of("app.Worker", WORKER_V2.replace("\"+\"", "\"++\"")), classes);
            child.awaitAfter(mark, " v2++ key=s3cret");
        }
    }
}

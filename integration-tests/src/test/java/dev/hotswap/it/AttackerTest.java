package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hotswap gives the program no power it did not have: ordinary code on the class path (no
 * permissions, reflection only) tries to reach what hotswap holds — the JVM's instrumentation, the
 * JDK's trusted lookup, handles made with it, the engine's bootstraps with a forged caller, the
 * hooks hotswap put into java.base — in every way hotswap starts ({@code -javaagent},
 * {@code Hotswap.start()}, {@code attach}), before and after a structural swap made the engine run.
 * Every attempt must be denied, and the same probe in the same program with hotswap not started (the
 * control) is denied too, which proves the probe. On JDK 24+ the agent and the control run again
 * with the strictest flags ({@code -XX:+DisableAttachMechanism -XX:-EnableDynamicAgentLoading
 * --sun-misc-unsafe-memory-access=deny}), where the program alone can do nothing of the kind.
 */
class AttackerTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.nio.file.*;
            public class Main {
                public static void main(String[] args) throws Exception {
                    if (args.length > 0 && args[0].equals("library")) {
                        dev.hotswap.Hotswap.start();
                    }
                    Path marks = Path.of(System.getProperty("marks"));
                    java.util.Set<String> done = new java.util.HashSet<>();
                    for (long tick = 0; ; tick++) {
                        for (String phase : new String[] {"before", "after"}) {
                            if (!done.contains(phase) && Files.exists(marks.resolve(phase))) {
                                done.add(phase);
                                Probe.run(phase);
                                System.out.println("probe " + phase + " done");
                            }
                        }
                        System.out.println("tick=" + tick + " " + Worker.version());
                        Thread.sleep(25);
                    }
                }
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
                private String state = "s";
                static String version() { return "v2" + extra(); }
                private static String extra() { return "+"; }
            }
            """;

    /** A class named as hotswap's own Attacher, which the probe defines in a loader of its own. */
    private static final String LOOKALIKE = """
            package dev.hotswap.agent;
            import java.lang.reflect.*;
            import java.util.*;
            public class Attacher {
                /** What every public static method of hotswap's entry classes without parameters answers this class. */
                public static List<Object> harvest() {
                    List<Object> got = new ArrayList<>();
                    for (String name : List.of("dev.hotswap.agent.HotswapAgent", "dev.hotswap.boot.Boot", "dev.hotswap.boot.Link",
                            "dev.hotswap.Hotswap", "dev.hotswap.agent.Attacher")) {
                        try {
                            Class<?> c = Class.forName(name, true, ClassLoader.getSystemClassLoader());
                            for (Method m : c.getMethods()) {
                                if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                                        && !m.getName().equals("start") && !m.getName().equals("main")) {
                                    try {
                                        got.add(m.invoke(null));
                                    } catch (Throwable e) {
                                        // denied
                                    }
                                }
                            }
                            Method instrumentation = c.getDeclaredMethod("instrumentation");
                            instrumentation.setAccessible(true);
                            got.add(instrumentation.invoke(null));
                        } catch (Throwable e) {
                            // denied
                        }
                    }
                    return got;
                }
            }
            """;

    /** Reflection only, so that the control runs the very same code. Each attempt prints "attempt PHASE NAME denied|GRANTED ...". */
    private static final String PROBE = """
            package app;
            import java.lang.invoke.*;
            import java.lang.reflect.*;
            import java.nio.file.*;
            import java.util.*;
            public class Probe {
                interface Attempt { Object run() throws Throwable; }

                static String phase;

                static void attempt(String name, Attempt attempt) {
                    try {
                        Object got = attempt.run();
                        String power = got instanceof String s && s.startsWith("denied") ? null : describe(got);
                        System.out.println("attempt " + phase + " " + name + " " + (power == null ? got : "GRANTED " + power));
                    } catch (Throwable e) {
                        System.out.println("attempt " + phase + " " + name + " denied (" + e.getClass().getName() + ")");
                    }
                }

                static String describe(Object o) {
                    return o instanceof byte[] b ? "bytes" + b.length : String.valueOf(o);
                }

                static final Module MINE = Probe.class.getModule();

                /** Power the program alone does not have: an instrumentation, a lookup into a named module, a handle it could not make. */
                static String powerful(Object o) {
                    if (o instanceof java.lang.instrument.Instrumentation) {
                        return "an Instrumentation";
                    }
                    if (o instanceof MethodHandles.Lookup l && l.lookupClass().getModule().isNamed()
                            && (l.lookupModes() & (MethodHandles.Lookup.PRIVATE | MethodHandles.Lookup.MODULE)) != 0) {
                        return "a lookup of " + l.lookupClass() + " modes " + l.lookupModes();
                    }
                    if (o instanceof MethodHandle h) {
                        try {
                            MethodHandles.lookup().revealDirect(h);
                            return null; // a handle the program could make itself
                        } catch (RuntimeException e) {
                            return "a method handle " + h;
                        }
                    }
                    return null;
                }

                /** Walks what reflection lets the program read from {@code roots}; the first powerful object, or "denied (counts)". */
                static Object walk(List<Object> roots, int[] fields) {
                    Map<Object, Boolean> seen = new IdentityHashMap<>();
                    ArrayDeque<Object[]> queue = new ArrayDeque<>();
                    for (Object r : roots) {
                        queue.add(new Object[] {r, 0});
                    }
                    while (!queue.isEmpty() && seen.size() < 200_000) {
                        Object[] next = queue.poll();
                        Object o = next[0];
                        int depth = (int) next[1];
                        if (o == null || seen.put(o, true) != null || o instanceof Class<?> || o instanceof String) {
                            continue;
                        }
                        String power = powerful(o);
                        if (power != null) {
                            return power;
                        }
                        if (depth >= 10) {
                            continue;
                        }
                        List<Object> children = new ArrayList<>();
                        if (o instanceof Object[] array) {
                            children.addAll(Arrays.asList(array).subList(0, Math.min(array.length, 1000)));
                        } else if (o instanceof Map<?, ?> map) {
                            try { map.forEach((k, v) -> { children.add(k); children.add(v); }); } catch (RuntimeException e) { }
                        } else if (o instanceof Iterable<?> it) {
                            try { int n = 0; for (Object x : it) { if (n++ > 1000) break; children.add(x); } } catch (RuntimeException e) { }
                        } else if (o instanceof Optional<?> opt) {
                            opt.ifPresent(children::add);
                        }
                        for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
                            for (Field f : k.getDeclaredFields()) {
                                if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive() && f.trySetAccessible()) {
                                    fields[0]++;
                                    try { children.add(f.get(o)); } catch (ReflectiveOperationException | RuntimeException e) { }
                                }
                            }
                        }
                        for (Object c : children) {
                            queue.add(new Object[] {c, depth + 1});
                        }
                    }
                    return "denied (walked " + fields[0] + " fields of " + seen.size() + " objects)";
                }

                /** The class files of hotswap's jar that the class path can load, and the core's names. */
                static List<String> entries(String prefix) throws Exception {
                    java.net.URL self = ClassLoader.getSystemResource("dev/hotswap/boot/Boot.class");
                    if (self == null) {
                        return List.of();
                    }
                    String jar = self.toString().substring("jar:".length(), self.toString().indexOf("!/"));
                    List<String> names = new ArrayList<>();
                    try (java.util.jar.JarFile file = new java.util.jar.JarFile(Path.of(java.net.URI.create(jar)).toFile())) {
                        file.stream().map(e -> e.getName()).filter(n -> n.startsWith(prefix) && n.endsWith(".class"))
                                .forEach(n -> names.add(n.substring(prefix.length(), n.length() - 6).replace('/', '.')));
                    }
                    return names;
                }

                static Class<?> link() throws ClassNotFoundException {
                    return Class.forName("dev.hotswap.boot.Link");
                }

                static Object bootstrap(String name, Object... args) throws Throwable {
                    for (Method m : link().getMethods()) {
                        if (m.getName().equals(name)) {
                            return m.invoke(null, args);
                        }
                    }
                    throw new NoSuchMethodException(name);
                }

                static Object invokeSite(Object site, Object... args) throws Throwable {
                    return ((CallSite) site).dynamicInvoker().invokeWithArguments(args);
                }

                static void run(String phase) throws Exception {
                    Probe.phase = phase;
                    MethodHandles.Lookup me = MethodHandles.lookup();
                    Class<?> unsafe = Class.forName("jdk.internal.misc.Unsafe");
                    // What the program alone cannot do.
                    attempt("setAccessible-String.value", () -> {
                        Field f = String.class.getDeclaredField("value");
                        f.setAccessible(true);
                        return f.get("abc");
                    });
                    attempt("setAccessible-IMPL_LOOKUP", () -> {
                        Field f = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
                        f.setAccessible(true);
                        return f.get(null);
                    });
                    attempt("privateLookupIn-String", () -> MethodHandles.privateLookupIn(String.class, me));
                    attempt("Unsafe.getUnsafe", () -> unsafe.getMethod("getUnsafe").invoke(null));
                    // Every static field of every class of hotswap's that the class path loads, and what it leads to.
                    attempt("statics", () -> {
                        List<Object> roots = new ArrayList<>();
                        int[] fields = {0};
                        List<String> classes = new ArrayList<>(entries(""));
                        classes.add("java.lang.HotswapHooks");
                        for (String name : classes) {
                            if (name.equals("module-info") || name.startsWith("META-INF")) {
                                continue;
                            }
                            try {
                                Class<?> c = Class.forName(name, false, ClassLoader.getSystemClassLoader());
                                for (Field f : c.getDeclaredFields()) {
                                    if (Modifier.isStatic(f.getModifiers()) && f.trySetAccessible()) {
                                        fields[0]++;
                                        roots.add(f.get(null));
                                    }
                                }
                            } catch (Throwable e) {
                                // not loadable, or not readable
                            }
                        }
                        return walk(roots, fields);
                    });
                    // The core's classes are no classes of the class path.
                    attempt("core-classes", () -> {
                        int loaded = 0;
                        // The core's own classes: the class-file model, the watcher and ASM have copies on both sides.
                        List<String> core = new ArrayList<>(entries("META-INF/hotswap/core/"));
                        core.removeAll(entries(""));
                        for (String name : core) {
                            try {
                                Class.forName(name, false, ClassLoader.getSystemClassLoader());
                                loaded++;
                            } catch (ClassNotFoundException e) {
                                // as it should
                            }
                        }
                        return loaded == 0 ? "denied (" + core.size() + " not loadable)" : loaded + " core classes loaded";
                    });
                    // The core's facade, as any code can ask for it, and all it leads to.
                    attempt("core-facade", () -> {
                        Object core = Class.forName("dev.hotswap.boot.Boot").getMethod("core").invoke(null);
                        List<Object> roots = new ArrayList<>(List.of(core));
                        for (Method m : Class.forName("dev.hotswap.boot.Core").getMethods()) {
                            if (m.getParameterCount() == 0 && !m.getReturnType().equals(void.class)) {
                                roots.add(m.invoke(core));
                            }
                        }
                        return walk(roots, new int[1]);
                    });
                    attempt("core-agent-fake", () -> {
                        Object fake = Proxy.newProxyInstance(Probe.class.getClassLoader(),
                                new Class<?>[] {java.lang.instrument.Instrumentation.class}, (p, m, a) -> null);
                        Object core = Class.forName("dev.hotswap.boot.Boot").getMethod("core").invoke(null);
                        Class.forName("dev.hotswap.boot.Core").getMethod("agent", String.class,
                                java.lang.instrument.Instrumentation.class).invoke(core, "watch=/", fake);
                        return "accepted a fake instrumentation";
                    });
                    // A class named as one of hotswap's, in a loader of its own.
                    attempt("lookalike-Attacher", () -> {
                        byte[] bytes = Files.readAllBytes(Path.of(System.getProperty("lookalike")));
                        ClassLoader own = new ClassLoader(Probe.class.getClassLoader()) {
                            @Override
                            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                                if (name.equals("dev.hotswap.agent.Attacher")) {
                                    synchronized (getClassLoadingLock(name)) {
                                        Class<?> c = findLoadedClass(name);
                                        return c != null ? c : defineClass(name, bytes, 0, bytes.length);
                                    }
                                }
                                return super.loadClass(name, resolve);
                            }
                        };
                        @SuppressWarnings("unchecked")
                        List<Object> got = (List<Object>) own.loadClass("dev.hotswap.agent.Attacher").getMethod("harvest").invoke(null);
                        return walk(got, new int[1]);
                    });
                    // The hooks hotswap put into java.base: public methods of a public class of java.lang.
                    attempt("hooks-String.value", () -> {
                        Method hook = Class.forName("java.lang.HotswapHooks").getMethod("lookup", Object.class, String.class,
                                Object.class, Object.class, Object.class, Object.class);
                        MethodHandle h = (MethodHandle) hook.invoke(null, me, "findGetter", String.class, "value", byte[].class, null);
                        return h == null ? "denied (no answer)" : h.invoke("abc");
                    });
                    attempt("hooks-Unsafe", () -> {
                        Method hook = Class.forName("java.lang.HotswapHooks").getMethod("lookup", Object.class, String.class,
                                Object.class, Object.class, Object.class, Object.class);
                        MethodHandle h = (MethodHandle) hook.invoke(null, me, "findStatic", unsafe, "getUnsafe",
                                MethodType.methodType(unsafe), null);
                        return h == null ? "denied (no answer)" : h.invoke();
                    });
                    attempt("hooks-others", () -> {
                        Class<?> hooks = Class.forName("java.lang.HotswapHooks");
                        List<Object> got = new ArrayList<>();
                        Field value = String.class.getDeclaredField("value");
                        for (Method m : hooks.getDeclaredMethods()) {
                            Object[] args = new Object[m.getParameterCount()];
                            for (int i = 0; i < args.length; i++) {
                                Class<?> t = m.getParameterTypes()[i];
                                args[i] = t == Class.class ? String.class : t == boolean.class ? false
                                        : t == byte[].class ? new byte[] {0, 0} : t == String.class ? "findGetter" : value;
                            }
                            try {
                                got.add(m.invoke(null, args));
                            } catch (Throwable e) {
                                // denied
                            }
                        }
                        return walk(got, new int[1]);
                    });
                    // The engine's bootstraps with a caller any code can forge.
                    MethodHandles.Lookup forged = MethodHandles.privateLookupIn(Worker.class, me);
                    attempt("bootstrap-field-String.value", () -> invokeSite(bootstrap("field", forged, "value",
                            MethodType.methodType(byte[].class, String.class), 180, String.class, "[B"), "abc"));
                    attempt("bootstrap-call-Unsafe", () -> invokeSite(bootstrap("call", forged, "getUnsafe",
                            MethodType.methodType(unsafe), 0, unsafe, "()Ljdk/internal/misc/Unsafe;")));
                    attempt("bootstrap-lambdaOf-Unsafe", () -> ((java.util.function.Supplier<?>) invokeSite(bootstrap("lambdaOf",
                            forged, "get", MethodType.methodType(java.util.function.Supplier.class),
                            MethodType.methodType(Object.class), 6, unsafe, "getUnsafe", "()Ljdk/internal/misc/Unsafe;"))).get());
                    attempt("bootstrap-create-Unsafe", () -> invokeSite(bootstrap("create", forged, "new",
                            MethodType.methodType(unsafe, Object.class), unsafe, "()V"), (Object) null));
                }
            }
            """;

    private static final List<String> ATTEMPTS = List.of("setAccessible-String.value", "setAccessible-IMPL_LOOKUP",
            "privateLookupIn-String", "Unsafe.getUnsafe", "statics", "core-classes", "core-facade", "core-agent-fake",
            "lookalike-Attacher", "hooks-String.value", "hooks-Unsafe", "hooks-others", "bootstrap-field-String.value",
            "bootstrap-call-Unsafe", "bootstrap-lambdaOf-Unsafe", "bootstrap-create-Unsafe");

    private static final List<String> STRICT = List.of("-XX:+DisableAttachMechanism", "-XX:-EnableDynamicAgentLoading",
            "--sun-misc-unsafe-memory-access=deny");

    private enum Mode { AGENT, LIBRARY, ATTACH, CONTROL }

    @Test
    void asAnAgent() throws Exception {
        probe(Mode.AGENT, List.of());
    }

    @Test
    void asALibrary() throws Exception {
        probe(Mode.LIBRARY, List.of());
    }

    @Test
    void attachedLater() throws Exception {
        probe(Mode.ATTACH, List.of());
    }

    @Test
    void controlWithoutHotswapStarted() throws Exception {
        probe(Mode.CONTROL, List.of());
    }

    @Test
    void asAnAgentUnderTheStrictestFlags() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 24,
                "--sun-misc-unsafe-memory-access is a JDK 24+ flag");
        probe(Mode.AGENT, STRICT);
    }

    @Test
    void controlUnderTheStrictestFlags() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 24,
                "--sun-misc-unsafe-memory-access is a JDK 24+ flag");
        probe(Mode.CONTROL, STRICT);
    }

    private void probe(Mode mode, List<String> flags) throws Exception {
        Path classes = dir.resolve("classes");
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Javac.compile(classes, Map.of("app.Main", MAIN, "app.Worker", WORKER_V1, "app.Probe", PROBE), ChildJvm.hotswapJar());
        Path lookalike = dir.resolve("lookalike");
        Javac.compile(lookalike, Map.of("dev.hotswap.agent.Attacher", LOOKALIKE));
        List<String> args = new ArrayList<>(flags);
        args.add("-Dmarks=" + marks);
        args.add("-Dlookalike=" + lookalike.resolve("dev/hotswap/agent/Attacher.class"));
        if (mode == Mode.AGENT) {
            args.add("-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms");
        } else {
            args.add("-Dhotswap.quiet=150ms");
        }
        args.addAll(List.of("-cp", classes + java.io.File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"));
        if (mode == Mode.LIBRARY) {
            args.add("library");
        }
        try (ChildJvm child = ChildJvm.start(dir, args)) {
            child.await(" v1");
            if (mode == Mode.ATTACH) {
                try (ChildJvm attach = ChildJvm.start(dir, List.of("-jar", ChildJvm.hotswapJar().toString(), "attach",
                        Long.toString(child.pid()), "quiet=150ms"))) {
                    assertThat(attach.awaitExit()).as("attach's exit code").isZero();
                }
            }
            if (mode != Mode.CONTROL) {
                child.await("hotswap: watching");
            }
            Files.createFile(marks.resolve("before"));
            child.await("probe before done");
            assertDenied(child, "before");
            if (mode == Mode.CONTROL) {
                return;
            }
            // A structural swap: the engine runs from now on.
            int mark = child.mark();
            Javac.compile(classes, Map.of("app.Worker", WORKER_V2), classes);
            child.awaitAfter(mark, " v2+");
            Files.createFile(marks.resolve("after"));
            child.awaitAfter(mark, "probe after done");
            assertDenied(child, "after");
            child.awaitMore(3, "tick=");
            assertThat(child.linesFrom(child.mark() - 1)).allMatch(l -> l.contains(" v2+"));
        }
    }

    private static void assertDenied(ChildJvm child, String phase) {
        for (String attempt : ATTEMPTS) {
            assertThat(child.await("attempt " + phase + " " + attempt + " ")).as(attempt).contains(" denied");
        }
        assertThat(child.output()).doesNotContain(" GRANTED ");
        // The walk is no empty one where hotswap runs: hotswap's statics were read as far as reflection lets.
        String statics = child.await("attempt " + phase + " statics ");
        assertThat(statics).containsPattern("walked [1-9][0-9]* fields");
        assertThat(child.await("attempt " + phase + " core-classes ")).containsPattern("denied \\([1-9][0-9]* not loadable");
    }
}

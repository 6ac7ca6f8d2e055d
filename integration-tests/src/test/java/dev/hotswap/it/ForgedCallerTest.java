package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forged caller of the engine's bootstraps gets no more than its module has (issue 22). Once a
 * structural swap made the engine write a class, the program takes a full-privilege lookup of that
 * class with {@code MethodHandles.privateLookupIn} (any code of its module can) and calls every
 * bootstrap with it, against {@code String.value}, {@code jdk.internal.misc.Unsafe}, a member of a
 * package java.base does not export, a private member of another class and a package-private
 * member of another package. Each is refused (an exception, or a handle that throws when called),
 * nothing is read or written, and the program runs on. What the module may reach itself still
 * works through the same calls (the probe reaches the engine's checks, not only its door). A run
 * without the agent refuses the same probe too.
 */
class ForgedCallerTest {
    /** The class whose public static methods the engine's call sites bootstrap with: named once, it may move. */
    static final String BOOTSTRAPS = "dev.hotswap.boot.Link";

    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    if (args.length > 0 && args[0].equals("control")) {
                        Probe.run();
                        return;
                    }
                    boolean probed = false;
                    for (long tick = 0; ; tick++) {
                        String v = Worker.version();
                        if (!probed && v.startsWith("v2")) {
                            probed = true;
                            Probe.run();
                        }
                        System.out.println("tick=" + tick + " " + v + " " + Secret.check() + " " + other.Vault.check());
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
                private String pinned() { return "pinned:" + pin; }
                static String check() { return "key=" + key; }
                static Secret one() { return new Secret(7); }
            }
            """;

    private static final String VAULT = """
            package other;
            public class Vault {
                static String code = "c0de";
                String mine = "m1ne";
                Vault() { }
                static String open() { return "opened:" + code; }
                String own() { return "own:" + mine; }
                public static String check() { return "code=" + code; }
                public static Vault one() { return new Vault(); }
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
                private String kept() { return "kept"; }
                String near() { return "near"; }
            }
            """;

    /**
     * Each attempt prints "attempt NAME refused CLASS: message" or "attempt NAME GOT value"; each
     * control that the module may do prints "allowed NAME ..." the same way.
     */
    private static final String PROBE = """
            package app;
            import java.lang.invoke.CallSite;
            import java.lang.invoke.MethodHandle;
            import java.lang.invoke.MethodHandles;
            import java.lang.invoke.MethodType;
            import java.util.function.Function;
            import java.util.function.Supplier;
            public class Probe {
                static final String BOOTSTRAPS = "%BOOTSTRAPS%";
                interface Attempt { Object run() throws Throwable; }
                static MethodHandles.Lookup forged;
                static Class<?> linker;
                static final String CANARY_TEXT = "canary";
                static final String canary = new String(CANARY_TEXT);

                static void attempt(String kind, String name, Attempt attempt) {
                    try {
                        Object got = attempt.run();
                        System.out.println(kind + " " + name + " GOT " + describe(got));
                    } catch (Throwable e) {
                        System.out.println(kind + " " + name + " refused " + e.getClass().getName() + ": " + e.getMessage());
                    }
                }

                static String describe(Object o) {
                    return o instanceof byte[] b ? "bytes" + b.length : String.valueOf(o);
                }

                /** Calls the bootstrap {@code name} of the bootstrap class with these arguments, as the JVM would. */
                static Object bootstrap(String name, Object... args) throws Throwable {
                    for (java.lang.reflect.Method m : linker.getMethods()) {
                        if (m.getName().equals(name)) {
                            return MethodHandles.publicLookup().unreflect(m).asFixedArity().invokeWithArguments(args);
                        }
                    }
                    throw new AssertionError("no bootstrap " + name);
                }

                static MethodHandle site(String name, Object... args) throws Throwable {
                    return ((CallSite) bootstrap(name, args)).dynamicInvoker();
                }

                static MethodType type(Class<?> r, Class<?>... p) {
                    return MethodType.methodType(r, p);
                }

                /** A no-argument method's call site type as the engine's code has it for kind k (0 STATIC, 4 PROTECTED). */
                static MethodType callType(int k, boolean isStatic, Class<?> receiver, Class<?> returned) {
                    return k == 0 || (k == 4 && isStatic) ? type(returned) : type(returned, receiver);
                }

                /** Calls a site's target with the receiver when its type has one. */
                static Object invoke(MethodHandle h, Object receiver) throws Throwable {
                    return h.type().parameterCount() == 0 ? h.invoke() : h.invoke(receiver);
                }

                public static void run() throws Exception {
                    Class<?> unsafe = Class.forName("jdk.internal.misc.Unsafe");
                    Class<?> secrets = Class.forName("jdk.internal.access.SharedSecrets");
                    Class<?> jla = Class.forName("jdk.internal.access.JavaLangAccess");
                    Class<?> vault = other.Vault.class;
                    try {
                        linker = Class.forName(BOOTSTRAPS);
                        // What any code of this module can have: a full-privilege lookup of a class the engine wrote.
                        forged = MethodHandles.privateLookupIn(Worker.class, MethodHandles.lookup());
                    } catch (Throwable e) {
                        System.out.println("probe cannot start: " + e);
                        return;
                    }

                    // ---- entry ----
                    attempt("attempt", "entry-String.value", () -> site("entry", forged, "value",
                            type(byte[].class, String.class), "()[B", 0).invoke("abc"));
                    attempt("attempt", "entry-String.isLatin1", () -> site("entry", forged, "isLatin1",
                            type(boolean.class, Object.class), "()Z", 0).invoke("abc"));
                    attempt("attempt", "entry-Unsafe.getUnsafe", () -> site("entry", forged, "getUnsafe",
                            type(unsafe), "()Ljdk/internal/misc/Unsafe;", 1).invoke());
                    attempt("attempt", "entry-Secret.hidden", () -> site("entry", forged, "hidden",
                            type(String.class), "()Ljava/lang/String;", 1).invoke());

                    // ---- call, every kind ----
                    String[] kinds = {"STATIC", "VIRTUAL", "SPECIAL", "DIRECT", "PROTECTED"};
                    for (int kind = 0; kind < kinds.length; kind++) {
                        int k = kind;
                        String n = kinds[kind];
                        attempt("attempt", "call-" + n + "-Unsafe.getUnsafe", () -> invoke(site("call", forged, "getUnsafe",
                                callType(k, true, Object.class, unsafe), k, unsafe, "()Ljdk/internal/misc/Unsafe;"), "abc"));
                        attempt("attempt", "call-" + n + "-SharedSecrets.getJavaLangAccess", () -> invoke(site("call", forged,
                                "getJavaLangAccess", callType(k, true, Object.class, jla), k, secrets,
                                "()Ljdk/internal/access/JavaLangAccess;"), "abc"));
                        attempt("attempt", "call-" + n + "-Secret.hidden", () -> invoke(site("call", forged, "hidden",
                                callType(k, true, Object.class, String.class), k, Secret.class, "()Ljava/lang/String;"), "abc"));
                        attempt("attempt", "call-" + n + "-Vault.open", () -> invoke(site("call", forged, "open",
                                callType(k, true, Object.class, String.class), k, vault, "()Ljava/lang/String;"), "abc"));
                        attempt("attempt", "call-" + n + "-Secret.pinned", () -> invoke(site("call", forged, "pinned",
                                callType(k, false, Secret.class, String.class), k, Secret.class, "()Ljava/lang/String;"), Secret.one()));
                        attempt("attempt", "call-" + n + "-String.isLatin1", () -> invoke(site("call", forged, "isLatin1",
                                callType(k, false, String.class, boolean.class), k, String.class, "()Z"), "abc"));
                        attempt("attempt", "call-" + n + "-String.isLatin1-via-Object", () -> invoke(site("call", forged, "isLatin1",
                                callType(k, false, Object.class, boolean.class), k, Object.class, "()Z"), "abc"));
                        attempt("attempt", "call-" + n + "-String.isLatin1-via-Worker", () -> invoke(site("call", forged, "isLatin1",
                                callType(k, false, Object.class, boolean.class), k, Worker.class, "()Z"), "abc"));
                        attempt("attempt", "call-" + n + "-Vault.own", () -> invoke(site("call", forged, "own",
                                callType(k, false, vault, String.class), k, vault, "()Ljava/lang/String;"), other.Vault.one()));
                        attempt("attempt", "call-" + n + "-Object.clone-of-Vault", () -> invoke(site("call", forged, "clone",
                                callType(k, false, Object.class, Object.class), k, Object.class, "()Ljava/lang/Object;"),
                                other.Vault.one()));
                    }

                    // ---- field, every opcode ----
                    int[] opcodes = {180, 181, 178, 179};
                    String[] ops = {"GETFIELD", "PUTFIELD", "GETSTATIC", "PUTSTATIC"};
                    for (int i = 0; i < opcodes.length; i++) {
                        int op = opcodes[i];
                        String n = ops[i];
                        boolean instance = op == 180 || op == 181;
                        boolean put = op == 181 || op == 179;
                        attempt("attempt", "field-" + n + "-String.value", () -> {
                            MethodType t = instance ? (put ? type(void.class, String.class, byte[].class) : type(byte[].class, String.class))
                                    : (put ? type(void.class, byte[].class) : type(byte[].class));
                            MethodHandle h = site("field", forged, "value", t, op, String.class, "[B");
                            return instance ? (put ? h.invoke(canary, new byte[] {'x'}) : h.invoke(canary))
                                    : (put ? h.invoke(new byte[] {'x'}) : h.invoke());
                        });
                        attempt("attempt", "field-" + n + "-Unsafe.theUnsafe", () -> {
                            MethodType t = instance ? (put ? type(void.class, Object.class, unsafe) : type(unsafe, Object.class))
                                    : (put ? type(void.class, unsafe) : type(unsafe));
                            MethodHandle h = site("field", forged, "theUnsafe", t, op, unsafe, "Ljdk/internal/misc/Unsafe;");
                            return instance ? (put ? h.invoke(canary, null) : h.invoke(canary)) : (put ? h.invoke((Object) null) : h.invoke());
                        });
                        attempt("attempt", "field-" + n + "-Unsafe.INVALID_FIELD_OFFSET", () -> {
                            MethodType t = put ? type(void.class, int.class) : type(int.class);
                            MethodHandle h = site("field", forged, "INVALID_FIELD_OFFSET", instance ? t.insertParameterTypes(0, Object.class) : t,
                                    op, unsafe, "I");
                            return instance ? (put ? h.invoke(canary, 7) : h.invoke(canary)) : (put ? h.invoke(7) : h.invoke());
                        });
                        attempt("attempt", "field-" + n + "-Secret.key", () -> {
                            MethodType t = put ? type(void.class, String.class) : type(String.class);
                            MethodHandle h = site("field", forged, "key", instance ? t.insertParameterTypes(0, Object.class) : t, op,
                                    Secret.class, "Ljava/lang/String;");
                            return instance ? (put ? h.invoke(canary, "stolen") : h.invoke(canary)) : (put ? h.invoke("stolen") : h.invoke());
                        });
                        attempt("attempt", "field-" + n + "-Vault.code", () -> {
                            MethodType t = put ? type(void.class, String.class) : type(String.class);
                            MethodHandle h = site("field", forged, "code", instance ? t.insertParameterTypes(0, Object.class) : t, op,
                                    vault, "Ljava/lang/String;");
                            return instance ? (put ? h.invoke(other.Vault.one(), "stolen") : h.invoke(other.Vault.one()))
                                    : (put ? h.invoke("stolen") : h.invoke());
                        });
                        attempt("attempt", "field-" + n + "-Vault.mine", () -> {
                            MethodType t = put ? type(void.class, String.class) : type(String.class);
                            MethodHandle h = site("field", forged, "mine", instance ? t.insertParameterTypes(0, vault) : t, op,
                                    vault, "Ljava/lang/String;");
                            return instance ? (put ? h.invoke(other.Vault.one(), "stolen") : h.invoke(other.Vault.one()))
                                    : (put ? h.invoke("stolen") : h.invoke());
                        });
                    }

                    // ---- lambdaOf, every method handle kind (1-9) ----
                    for (int tag = 1; tag <= 9; tag++) {
                        int t = tag;
                        attempt("attempt", "lambdaOf-" + t + "-Unsafe.getUnsafe", () -> ((Supplier<?>) site("lambdaOf", forged, "get",
                                type(Supplier.class), type(Object.class), t, unsafe, "getUnsafe", "()Ljdk/internal/misc/Unsafe;")
                                .invoke()).get());
                        attempt("attempt", "lambdaOf-" + t + "-SharedSecrets.getJavaLangAccess", () -> ((Supplier<?>) site("lambdaOf",
                                forged, "get", type(Supplier.class), type(Object.class), t, secrets, "getJavaLangAccess",
                                "()Ljdk/internal/access/JavaLangAccess;").invoke()).get());
                        attempt("attempt", "lambdaOf-" + t + "-Secret.hidden", () -> ((Supplier<?>) site("lambdaOf", forged, "get",
                                type(Supplier.class), type(Object.class), t, Secret.class, "hidden", "()Ljava/lang/String;")
                                .invoke()).get());
                        attempt("attempt", "lambdaOf-" + t + "-Vault.open", () -> ((Supplier<?>) site("lambdaOf", forged, "get",
                                type(Supplier.class), type(Object.class), t, vault, "open", "()Ljava/lang/String;").invoke()).get());
                        attempt("attempt", "lambdaOf-" + t + "-String.isLatin1", () -> ((Function<Object, Object>) site("lambdaOf",
                                forged, "apply", type(Function.class), type(Object.class, Object.class), t, String.class, "isLatin1",
                                "()Z").invoke()).apply("abc"));
                        attempt("attempt", "lambdaOf-" + t + "-Vault.own", () -> ((Function<Object, Object>) site("lambdaOf",
                                forged, "apply", type(Function.class), type(Object.class, Object.class), t, vault, "own",
                                "()Ljava/lang/String;").invoke()).apply(other.Vault.one()));
                        attempt("attempt", "lambdaOf-" + t + "-String.value", () -> ((Function<Object, Object>) site("lambdaOf",
                                forged, "apply", type(Function.class), type(Object.class, Object.class), t, String.class, "value",
                                "[B").invoke()).apply("abc"));
                    }

                    // ---- construct, create ----
                    attempt("attempt", "construct-Secret", () -> site("construct", forged, "construct", type(void.class, int.class),
                            Secret.class, "(I)V").invoke(1));
                    attempt("attempt", "construct-Vault", () -> site("construct", forged, "construct", type(void.class), vault,
                            "()V").invoke());
                    attempt("attempt", "construct-Unsafe", () -> site("construct", forged, "construct", type(void.class), unsafe,
                            "()V").invoke());
                    attempt("attempt", "create-Secret", () -> site("create", forged, "new", type(Secret.class, Object.class, int.class),
                            Secret.class, "(I)V").invoke(null, 1));
                    attempt("attempt", "create-Vault", () -> site("create", forged, "new", type(vault, Object.class), vault, "()V")
                            .invoke(null));
                    attempt("attempt", "create-Unsafe", () -> site("create", forged, "new", type(unsafe, Object.class), unsafe, "()V")
                            .invoke(null));
                    byte[] shared = {'a', 'b'};
                    // String(byte[], byte): package-private, keeps the array it is given (a String that changes).
                    attempt("attempt", "create-String-sharing", () -> site("create", forged, "new",
                            type(String.class, Object.class, byte[].class, byte.class), String.class, "([BB)V")
                            .invoke(null, shared, (byte) 0));

                    // ---- type, typeOp, lambda ----
                    attempt("attempt", "type-Unsafe", () -> bootstrap("type", forged, "type", Class.class, "jdk/internal/misc/Unsafe"));
                    attempt("attempt", "type-Vault", () -> bootstrap("type", forged, "type", Class.class, "other/Vault"));
                    for (int op : new int[] {192, 193, 189, 197}) {
                        attempt("attempt", "typeOp-" + op + "-Unsafe", () -> bootstrap("typeOp", forged, "type",
                                op == 192 ? type(unsafe, Object.class) : op == 193 ? type(boolean.class, Object.class)
                                        : op == 189 ? type(Object.class, int.class) : type(Object.class, int.class, int.class),
                                op, op == 197 ? unsafe.arrayType().arrayType() : unsafe));
                    }
                    attempt("attempt", "lambda", () -> bootstrap("lambda", forged, "get", type(Supplier.class),
                            new Object[] {type(Object.class), MethodHandles.lookup().findStatic(Secret.class, "check",
                                    type(String.class)), type(String.class)}));

                    // ---- Lookup's answers for methods a swap added: the JDK's checks (a fresh start's, in the control) ----
                    attempt("lookup", "publicLookup-findSpecial-Worker.kept", () -> MethodHandles.publicLookup().findSpecial(
                            Worker.class, "kept", type(String.class), Worker.class));
                    attempt("lookup", "lookup-findSpecial-Worker.kept", () -> MethodHandles.lookup().findSpecial(
                            Worker.class, "kept", type(String.class), Worker.class));
                    attempt("lookup", "forged-findSpecial-Worker.near-for-Probe", () -> forged.findSpecial(
                            Worker.class, "near", type(String.class), Probe.class));
                    attempt("lookup", "publicLookup-findVirtual-Worker.near", () -> MethodHandles.publicLookup().findVirtual(
                            Worker.class, "near", type(String.class)));
                    attempt("lookup", "publicLookup-findStatic-Worker.extra", () -> MethodHandles.publicLookup().findStatic(
                            Worker.class, "extra", type(String.class)));
                    attempt("lookup", "in-String-findVirtual-Worker.near", () -> MethodHandles.lookup().in(String.class)
                            .findVirtual(Worker.class, "near", type(String.class)));

                    // ---- what the module may do itself: reached through the same calls ----
                    attempt("allowed", "call-Worker.extra", () -> site("call", forged, "extra", type(String.class), 0,
                            Worker.class, "()Ljava/lang/String;").invoke());
                    attempt("allowed", "call-VIRTUAL-String.length", () -> site("call", forged, "length",
                            type(int.class, String.class), 1, String.class, "()I").invoke("abc"));
                    attempt("allowed", "field-File.separator", () -> site("field", forged, "separator", type(String.class), 178,
                            java.io.File.class, "Ljava/lang/String;").invoke());

                    System.out.println("canary " + canary + " " + canary.equals(CANARY_TEXT) + " shared " + (char) shared[0]);
                    System.out.println("probe done");
                }
            }
            """;

    /** The refusals a checked bootstrap gives: the JVM's errors at the call, or the look-up's and the engine's at the link. */
    private static final Set<String> REFUSALS = Set.of("java.lang.IllegalAccessError", "java.lang.IllegalAccessException",
            "java.lang.IllegalCallerException", "java.lang.NoSuchMethodError", "java.lang.NoSuchFieldError",
            "java.lang.NoSuchMethodException", "java.lang.IllegalArgumentException", "java.lang.ClassCastException");

    private Map<String, String> sources(String worker) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Secret", SECRET);
        all.put("other.Vault", VAULT);
        all.put("app.Worker", worker);
        all.put("app.Probe", PROBE.replace("%BOOTSTRAPS%", BOOTSTRAPS));
        return all;
    }

    private static List<String> attempts(ChildJvm child, String kind) {
        return child.linesMatching(l -> l.startsWith(kind + " "));
    }

    @Test
    void aForgedLookupOfAClassTheEngineWroteReachesNothingItsModuleCouldNot() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, sources(WORKER_V1), ChildJvm.hotswapJar());
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=150ms", classes, "app.Main")) {
            child.await(" v1 key=s3cret code=c0de");
            Javac.compile(classes, Map.of("app.Worker", WORKER_V2), classes);
            child.await("probe done");
            List<String> attempts = attempts(child, "attempt");
            assertThat(attempts).as("the probe's attempts").hasSizeGreaterThanOrEqualTo(150);
            for (String line : attempts) {
                assertThat(line).as("every attempt refused").contains(" refused ");
                String refusal = line.substring(line.indexOf(" refused ") + 9, line.indexOf(':', line.indexOf(" refused ")));
                assertThat(REFUSALS).as("a refusal, not a probe's mistake: " + line).contains(refusal);
            }
            // What the module may reach itself, it reaches through the same forged calls: the checks, not the door, refused the rest.
            assertThat(child.await("allowed call-Worker.extra ")).endsWith(" GOT +");
            assertThat(child.await("allowed call-VIRTUAL-String.length ")).endsWith(" GOT 3");
            assertThat(child.await("allowed field-File.separator ")).endsWith(" GOT " + File.separator);
            assertThat(child.await("canary ")).isEqualTo("canary canary true shared a");
            // Lookup's answers for the methods the swap added: refused as after a fresh start (the control's).
            List<String> lookups = attempts(child, "lookup");
            assertThat(lookups).hasSize(6).allMatch(l -> l.contains(" refused java.lang.IllegalAccessException: "));
            for (String special : List.of("publicLookup-findSpecial-Worker.kept", "lookup-findSpecial-Worker.kept",
                    "forged-findSpecial-Worker.near-for-Probe")) {
                assertThat(child.await("lookup " + special + " ")).contains("no private access for invokespecial");
            }
            int mark = child.mark();
            // The program runs on, its swapped code too, its secrets untouched.
            child.awaitAfter(mark, " v2+ key=s3cret code=c0de");
            assertThat(child.output()).doesNotContain(" GOT hidden:").doesNotContain(" GOT opened:")
                    .doesNotContain(" GOT own:").doesNotContain(" GOT bytes").doesNotContain("stolen")
                    .doesNotContain("# A fatal error");
        }
    }

    @Test
    void withoutTheAgentTheSameProbeIsRefused() throws Exception {
        Path classes = dir.resolve("classes");
        // A fresh start of the swapped code: the JDK answers the look-ups of the methods the swap added.
        Javac.compile(classes, sources(WORKER_V2), ChildJvm.hotswapJar());
        try (ChildJvm child = ChildJvm.start(dir, List.of("-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(),
                "app.Main", "control"))) {
            child.await("probe done");
            assertThat(attempts(child, "attempt")).hasSizeGreaterThanOrEqualTo(150).allMatch(l -> l.contains(" refused "));
            assertThat(attempts(child, "allowed")).isNotEmpty().allMatch(l -> l.contains(" refused "));
            assertThat(child.await("canary ")).isEqualTo("canary canary true shared a");
            assertThat(attempts(child, "lookup")).hasSize(6).allMatch(l -> l.contains(" refused java.lang.IllegalAccessException: "));
            for (String special : List.of("publicLookup-findSpecial-Worker.kept", "lookup-findSpecial-Worker.kept",
                    "forged-findSpecial-Worker.near-for-Probe")) {
                assertThat(child.await("lookup " + special + " ")).contains("no private access for invokespecial");
            }
        }
    }
}

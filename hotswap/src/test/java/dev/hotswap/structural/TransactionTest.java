package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.tools.attach.VirtualMachine;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.classfile.ClassModel;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch through the engine is a transaction: a failure injected before or at the commit leaves
 * the engine exactly as it was (the class still runs its previous code, is not under the engine,
 * and the same edit then applies as if the failed one never happened); a failure after the
 * commit is a warning on an applied batch. Runs in this JVM, with the instrumentation of an
 * agent it loads into itself.
 */
class TransactionTest {
    private static Instrumentation instrumentation;
    private static final List<String> problems = new ArrayList<>();
    private static final Map<String, byte[]> running = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;

    /** The agent's entry point: this very class, named by a manifest-only jar, loaded by the system class loader. */
    public static void agentmain(String arguments, Instrumentation inst) {
        instrumentation = inst;
    }

    @BeforeAll
    static void attach() throws Exception {
        Path jar = dir.resolve("agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Agent-Class", TransactionTest.class.getName());
        manifest.getMainAttributes().putValue("Can-Redefine-Classes", "true");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // the manifest is all
        }
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(jar.toString());
        } finally {
            vm.detach();
        }
        assertThat(instrumentation).as("agent loaded").isNotNull();
        // The engine's classes come from a folder here, not from its module: this test opens what its module would get.
        instrumentation.redefineModule(Object.class.getModule(), java.util.Set.of(), Map.of(),
                Map.of("java.lang.invoke", java.util.Set.of(TransactionTest.class.getModule())), java.util.Set.of(), Map.of());
    }

    private static final String V1 = "package t; public class Counter { public static String v() { return \"v1\"; } }";
    private static final String V2 = """
            package t;
            public class Counter {
                static int calls = 40;
                public static String v() { calls++; return "v2" + more() + calls; }
                static String more() { return "+"; }
            }
            """;

    /** A fresh class loader holding a fresh {@code t.Counter}, compiled from v1. */
    private static Class<?> load(String name) throws Exception {
        Path classes = compile(name, V1);
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, TransactionTest.class.getClassLoader());
        Class<?> type = Class.forName("t.Counter", true, loader);
        running.put(key(type), Files.readAllBytes(classes.resolve("t/Counter.class")));
        return type;
    }

    private static String key(Class<?> type) {
        return System.identityHashCode(type.getClassLoader()) + type.getName();
    }

    private static Path compile(String name, String source) throws IOException {
        return compile(name, "Counter", source);
    }

    /** Compiles {@code t.<simpleName>} into a fresh folder, or into {@code out} when given. */
    private static Path compile(String name, String simpleName, String source, Path... out) throws IOException {
        Path src = dir.resolve(name + "-src/t/" + simpleName + ".java");
        Path to = out.length > 0 ? out[0] : dir.resolve(name + "-" + source.hashCode());
        Files.createDirectories(src.getParent());
        Files.createDirectories(to);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", to.toString(), src.toString())).isZero();
        return to;
    }

    private static Engine engine() {
        return Engine.create(instrumentation, type -> type.getName().startsWith("t."),
                type -> Optional.ofNullable(running.get(key(type))), (loader, name) -> Optional.empty(), problems::add)
                .orElseThrow();
    }

    private static Engine.Structural toV2(Class<?> type, String name) throws Exception {
        byte[] before = running.get(key(type));
        byte[] after = Files.readAllBytes(compile(name + "2", V2).resolve("t/Counter.class"));
        return new Engine.Structural(type, before, ClassModel.parse(before), after, ClassModel.parse(after));
    }

    private static Object v(Class<?> type) throws Exception {
        return type.getMethod("v").invoke(null);
    }

    @ParameterizedTest
    @EnumSource(value = Transaction.Stage.class, names = {"PREPARE", "VERSIONS", "COMMIT"})
    void aFailureUpToTheCommitLeavesNothingBehind(Transaction.Stage stage) throws Exception {
        Class<?> type = load("up-to-" + stage);
        Engine engine = engine();
        Engine.Structural edit = toV2(type, "up-to-" + stage);
        engine.faults(at -> {
            if (at == stage) {
                throw new IOException("injected at " + at);
            }
        });
        try {
            assertThatThrownBy(() -> engine.apply(List.of(), List.of(edit), List.of(), Optional.empty()))
                    .hasStackTraceContaining("injected at " + stage);
        } finally {
            engine.faults(Transaction.Faults.NONE);
        }
        assertThat(engine.manages(type)).isFalse();
        assertThat(v(type)).isEqualTo("v1");
        // The same edit again: as if the failed one never happened.
        Engine.Result result = engine.apply(List.of(), List.of(edit), List.of(), Optional.empty());
        assertThat(result).isEqualTo(new Engine.Result.Applied(List.of()));
        assertThat(engine.manages(type)).isTrue();
        assertThat(v(type)).isEqualTo("v2+41");
    }

    @ParameterizedTest
    @EnumSource(value = Transaction.Stage.class, names = {"PUBLISH", "INITIALIZE"})
    void aFailureAfterTheCommitIsAWarningOnAnAppliedBatch(Transaction.Stage stage) throws Exception {
        Class<?> type = load("after-" + stage);
        Engine engine = engine();
        engine.faults(at -> {
            if (at == stage) {
                throw new IOException("injected");
            }
        });
        Engine.Result result;
        try {
            result = engine.apply(List.of(), List.of(toV2(type, "after-" + stage)), List.of(), Optional.empty());
        } finally {
            engine.faults(Transaction.Faults.NONE);
        }
        assertThat(result).isInstanceOf(Engine.Result.Applied.class);
        List<Problem> warnings = ((Engine.Result.Applied) result).warnings();
        assertThat(warnings).extracting(Problem::kind).containsExactly(stage == Transaction.Stage.PUBLISH
                ? Kind.PUBLISH_FAILED : Kind.STATIC_INITIALIZER_FAILED);
        assertThat(engine.manages(type)).isTrue();
        // The new code runs (its entries link when first called); with the initializer failed, the
        // added static kept its default, as the warning says.
        assertThat(v(type)).isEqualTo(stage == Transaction.Stage.PUBLISH ? "v2+41" : "v2+1");
    }

    private static final String SHOP_V1 = "package t; public class Shop { public static String report() { return \"v1\"; } }";
    private static final String SHOP_V2 = """
            package t;
            public class Shop {
                public static String report() { Receipt r = new Receipt(1); return "v2 " + r.text(); }
                static final class Receipt {
                    private final int n;
                    private Receipt(int n) { this.n = n; }
                    private String text() { return "r" + n; }
                }
            }
            """;
    private static final String SHOP_V3 = """
            package t;
            public class Shop {
                public static String report() { return "v3 " + new Receipt(1).text(); }
                static final class Receipt {
                    private final int n;
                    private Receipt(int n) { this.n = n; }
                    private String text() { return "R" + (n * 10) + tax(); }
                    private static String tax() { return "+tax"; }
                }
            }
            """;

    /**
     * A nested class that a swap added runs its private methods opened (it had to leave the nest
     * as it loaded); in its versions they are private again. Code of the previous version that
     * calls one while the next batch publishes (its classes in the registry, its call sites not
     * relinked yet) waits for the publication and gets the method: it resolved once with the
     * check from before the batch and the versions from after it, found no implementation a
     * virtual call may select, and threw NoSuchMethodError (NestedClassTest, about 1 run in 4).
     */
    @Test
    void oldCodeCallingANestedClassThatASwapAddedWhileTheNextBatchPublishesGetsTheMethod() throws Exception {
        Path classes = compile("nested", "Shop", SHOP_V1);
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, TransactionTest.class.getClassLoader());
        Class<?> shop = Class.forName("t.Shop", true, loader);
        byte[] v1 = Files.readAllBytes(classes.resolve("t/Shop.class"));
        running.put(key(shop), v1);
        Engine engine = engine();
        // As the agent's transformer: a class that loads from here on is rewritten for the engine.
        ClassFileTransformer atLoad = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader l, String name, Class<?> redefined, ProtectionDomain domain,
                                    byte[] bytes) {
                if (l != loader || redefined != null) {
                    return null;
                }
                running.put(System.identityHashCode(l) + name.replace('/', '.'), bytes);
                return engine.atLoad(l, name, bytes);
            }
        };
        instrumentation.addTransformer(atLoad);
        engine.namedVersions(true, false); // the default shape (named): old code reaches the nested class through the engine
        try {
            compile("nested", "Shop", SHOP_V2, classes); // Shop$Receipt appears beside Shop, as javac writes it
            byte[] v2 = Files.readAllBytes(classes.resolve("t/Shop.class"));
            assertThat(engine.apply(List.of(), List.of(new Engine.Structural(shop, v1, ClassModel.parse(v1), v2,
                    ClassModel.parse(v2))), List.of(), Optional.empty())).isEqualTo(new Engine.Result.Applied(List.of()));
            Method report = shop.getMethod("report");
            assertThat(report.invoke(null)).isEqualTo("v2 r1"); // Shop$Receipt loads now, rewritten
            Class<?> receipt = Class.forName("t.Shop$Receipt", false, loader);

            Path v3Classes = compile("nested3", "Shop", SHOP_V3);
            byte[] v3 = Files.readAllBytes(v3Classes.resolve("t/Shop.class"));
            byte[] receiptV2 = running.get(key(receipt));
            byte[] receiptV3 = Files.readAllBytes(v3Classes.resolve("t/Shop$Receipt.class"));
            AtomicReference<Object> got = new AtomicReference<>();
            AtomicBoolean met = new AtomicBoolean();
            Thread[] caller = new Thread[1];
            engine.faults(at -> {
                if (at != Transaction.Stage.PUBLISH) {
                    return;
                }
                // The batch's classes are in the registry; Shop.report() still runs v2, which calls Receipt.text().
                caller[0] = new Thread(() -> {
                    try {
                        got.set(report.invoke(null));
                    } catch (InvocationTargetException e) {
                        got.set(e.getCause());
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        got.set(e);
                    }
                });
                caller[0].start();
                // Until the call went through, or waits for the publication in the engine's dispatch.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (caller[0].isAlive() && System.nanoTime() < deadline) {
                    if (caller[0].getState() == Thread.State.WAITING && Arrays.stream(caller[0].getStackTrace())
                            .anyMatch(f -> f.getClassName().equals(Dispatch.class.getName()))) {
                        met.set(true);
                        break;
                    }
                    Thread.sleep(1);
                }
            });
            Engine.Result result;
            try {
                result = engine.apply(List.of(), List.of(
                        new Engine.Structural(shop, v2, ClassModel.parse(v2), v3, ClassModel.parse(v3)),
                        new Engine.Structural(receipt, receiptV2, ClassModel.parse(receiptV2), receiptV3,
                                ClassModel.parse(receiptV3))), List.of(), Optional.empty());
            } finally {
                engine.faults(Transaction.Faults.NONE);
            }
            assertThat(result).isEqualTo(new Engine.Result.Applied(List.of()));
            caller[0].join(20_000);
            assertThat(got.get()).as("v2's report() during the publication").isEqualTo("v2 R10+tax");
            assertThat(met).as("the call waited for the publication").isTrue();
            assertThat(report.invoke(null)).isEqualTo("v3 R10+tax");
        } finally {
            engine.namedVersions(false, false);
            instrumentation.removeTransformer(atLoad);
        }
    }

    @Test
    void aRefusalLeavesTheEngineAsItWas() throws Exception {
        Class<?> type = load("refused");
        Engine engine = engine();
        byte[] before = running.get(key(type));
        // A class file that names the engine's bootstrap class is never taken.
        byte[] naming = Files.readAllBytes(compile("refused2", V2.replace("\"+\"",
                "dev.hotswap.boot.Link.class.getName()")).resolve("t/Counter.class"));
        Engine.Result result = engine.apply(List.of(), List.of(new Engine.Structural(type, before, ClassModel.parse(before),
                naming, ClassModel.parse(naming))), List.of(), Optional.empty());
        assertThat(result).isInstanceOf(Engine.Result.Refused.class);
        assertThat(engine.manages(type)).isFalse();
        assertThat(v(type)).isEqualTo("v1");
        assertThat(engine.apply(List.of(), List.of(toV2(type, "refused")), List.of(), Optional.empty()))
                .isEqualTo(new Engine.Result.Applied(List.of()));
        assertThat(v(type)).isEqualTo("v2+41");
    }

    @Test
    void aVerifierMessageAboutAVersionNamesTheUsersClass() {
        LinkageError said = Versions.underUserName(new VerifyError("Bad type on operand stack\nLocation:\n"
                + "  app/Target$$hotswap3+0x0000000800c41000.value()I @3: ireturn (in app.Target$$hotswap3/0x0000000800c41000)"),
                "app/Target");
        assertThat(said).isInstanceOf(VerifyError.class);
        assertThat(said.getMessage()).contains("app/Target.value()I @3").contains("(in app.Target)").doesNotContain("hotswap");
        assertThat(Versions.underUserName(new ClassFormatError("app/Target$Inner$$hotswap1 truncated"), "app/Target$Inner"))
                .isInstanceOf(ClassFormatError.class).hasMessage("app/Target$Inner truncated");
    }
}

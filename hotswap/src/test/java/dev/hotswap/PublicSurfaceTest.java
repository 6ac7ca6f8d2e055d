package dev.hotswap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * The public surface: every public top-level type of hotswap's classes is on this list, with why
 * it is public. A type made public without being added here fails the build, so that the surface
 * grows only on purpose. The API is {@code dev.hotswap}; the core module (reload, reflect,
 * structural, integration, core) exports only {@code core} to boot's module, so its public types
 * are public to the core's other packages alone; the class path's other packages are reachable by
 * any code of the program, which is why each of theirs says what needs it.
 */
class PublicSurfaceTest {
    private static final String API = "the API";
    private static final String JVM = "an entry point the JVM calls by name (manifest)";
    private static final String CORE = "used by another package of the core module, which exports none of it";
    private static final String BOTH = "used by the class path's tools (cli, dev mode) and by the core, each with its own copy";

    static final Map<String, String> ALLOWED = allowed();

    private static Map<String, String> allowed() {
        Map<String, String> m = new TreeMap<>();
        for (String api : new String[] {"Hotswap", "HotswapMXBean", "HotswapOptions", "OnReload", "ReloadListener", "ReloadOutcome"}) {
            m.put("dev.hotswap." + api, API);
        }
        m.put("dev.hotswap.agent.HotswapAgent", JVM + ": Premain-Class, Agent-Class, Launcher-Agent-Class");
        m.put("dev.hotswap.agent.Attacher", "Hotswap.start() and the command line's attach attach through it");
        m.put("dev.hotswap.agent.AttachHelper", JVM + ": the helper JVM's main class, started by Attacher");
        m.put("dev.hotswap.cli.Main", JVM + ": the jar's Main-Class");
        m.put("dev.hotswap.dev.DevMode", "the Maven plugin's mvn hotswap:dev runs it");
        m.put("dev.hotswap.dev.DevSettings", "the Maven plugin's mvn hotswap:dev configures it");
        m.put("dev.hotswap.boot.Boot", "defines the core module; the API and the agent ask it for the core");
        m.put("dev.hotswap.boot.Core", "what the class path may ask of the core: the core's Entry implements it");
        m.put("dev.hotswap.boot.Link", "the bootstrap methods that engine-written code names, from any class loader");
        m.put("dev.hotswap.boot.Links", "the core's side of Link's bootstrap methods, which the core implements");
        m.put("dev.hotswap.base.Fatal", "every package's broad catches rethrow the JVM's own failures through it");
        for (String c : new String[] {"AnnotationText", "Change", "ClassModel", "Classifier", "ConstantPool", "ConstructorCode",
                "InvalidClassFileException", "LinkCheck", "Sha256"}) {
            m.put("dev.hotswap.classfile." + c, BOTH);
        }
        for (String c : new String[] {"BatchInbox", "Debouncer", "Debug", "DirectoryWatcher", "FileTree", "PollingWatcher",
                "Selection", "Timings", "Watcher"}) {
            m.put("dev.hotswap.watch." + c, BOTH);
        }
        m.put("dev.hotswap.core.Entry", "the core's facade, its one package exported (to boot's module only)");
        for (String c : new String[] {"integration.Context", "integration.Frameworks", "integration.Integration",
                "integration.Mappers", "integration.Swap", "integration.jackson2.Jackson2Follower",
                "integration.jackson3.Jackson3Follower", "integration.spring.SpringFollower", "reflect.Mirror",
                "reflect.Shapes", "reflect.Trusted", "reload.Options", "reload.Session", "reload.Sessions",
                "structural.Catchers", "structural.Engine", "structural.Linker", "structural.OwnRedefinitions",
                "structural.Problem", "structural.Receivers", "structural.Unsealed", "structural.WarmUp"}) {
            m.put("dev.hotswap." + c, CORE);
        }
        return m;
    }

    @Test
    void everyPublicTypeIsOnTheListWithWhy() throws IOException {
        Path classes = Path.of("target", "classes", "dev", "hotswap");
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                ClassReader reader = new ClassReader(Files.readAllBytes(file));
                String name = reader.getClassName();
                boolean topLevel = !name.contains("$");
                if (topLevel && (reader.getAccess() & Opcodes.ACC_PUBLIC) != 0 && !name.startsWith("dev/hotswap/shaded/")) {
                    found.add(name.replace('/', '.'));
                }
            }
        }
        assertThat(found).as("public types not on the list: make them package-private, or add them with why")
                .isSubsetOf(ALLOWED.keySet());
        assertThat(ALLOWED.keySet()).as("on the list but no longer public: take them off").isSubsetOf(found);
    }
}

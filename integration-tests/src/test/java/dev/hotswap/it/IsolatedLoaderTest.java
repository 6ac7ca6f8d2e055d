package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class from a loader that cannot see hotswap (a plugin loader whose parent is the platform
 * loader) changed structurally: a field, methods, {@code toString()}, a lambda and a constructor
 * added, an exception's trace read. The engine's code for that loader goes through a bridge
 * class it defines there; the object made before the swap keeps its state.
 */
class IsolatedLoaderTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.net.URL;
            import java.net.URLClassLoader;
            import java.nio.file.Path;
            public class Main {
                public static void main(String[] args) throws Exception {
                    URLClassLoader plugins = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()},
                            ClassLoader.getPlatformClassLoader());
                    Class<?> type = plugins.loadClass("plug.Plugin");
                    Object plugin = type.getConstructor().newInstance();
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + plugin + " " + type.getMethod("run").invoke(plugin) + " end");
                        Thread.sleep(20);
                    }
                }
            }
            """;

    private static final String PLUGIN_V1 = """
            package plug;
            public class Plugin {
                private int runs;
                public Plugin() { }
                public String run() {
                    runs++;
                    return "v1 runs>0=" + (runs > 0);
                }
            }
            """;

    private static final String PLUGIN_V2 = """
            package plug;
            import java.util.function.IntSupplier;
            public class Plugin {
                private int runs;
                private String extra;
                private final int base;
                public Plugin() { this(0); }
                public Plugin(int base) { this.base = base; }
                public String run() {
                    runs++;
                    IntSupplier doubled = () -> runs * 2;
                    return "v2 runs>1=" + (runs > 1) + " extra=" + extra + " lambda>2=" + (doubled.getAsInt() > 2)
                            + " made=" + new Plugin(3).base + " " + where();
                }
                private String where() {
                    try {
                        fail();
                        return "no";
                    } catch (IllegalStateException e) {
                        return "at " + e.getStackTrace()[0];
                    }
                }
                private void fail() {
                    throw new IllegalStateException("from new code");
                }
                @Override
                public String toString() { return "Plugin(base=" + base + ")"; }
            }
            """;

    @Test
    void classesOfALoaderThatCannotSeeHotswapSwapStructurally() throws Exception {
        Path classes = dir.resolve("classes");
        Path plugins = dir.resolve("plugins");
        Javac.compile(classes, Map.of("app.Main", MAIN));
        Javac.compile(plugins, Map.of("plug.Plugin", PLUGIN_V1));
        String agent = "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms,watch=" + classes + File.pathSeparator + plugins;
        try (ChildJvm child = ChildJvm.start(dir, List.of(agent, "-cp", classes.toString(), "app.Main", plugins.toString()))) {
            child.await(" v1 runs>0=true end");
            Javac.compile(plugins, Map.of("plug.Plugin", PLUGIN_V2));
            // The object made before: base and extra start at 0 / null, its run count went on. (The
            // first v2 line may still show the old toString(): the swap can land between the two calls.)
            child.await("Plugin(base=0) v2 runs>1=true extra=null lambda>2=true made=3"
                    + " at plug.Plugin.fail(Plugin.java:24) end");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("failed");
        }
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three ways a user brings hotswap in, each against a real recompile: the new behaviour
 * shows, and state (a counter, an object, a lambda created before the swap) survives.
 */
class SwapModesTest {
    @TempDir
    Path dir;

    @Test
    void agentModeSwapsBodiesAndKeepsState() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.NONE, 1));
        // quiet=150ms: far above javac's gaps between files, so the compile is surely one batch.
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=150ms", classes, App.MAIN)) {
            child.await("hotswap: watching 1 folder for changed classes: " + classes);
            long before = App.count(child.await("value=1 greet=hello lambda=L1"));

            Javac.compile(classes, App.sources(App.Start.NONE, 2));

            String reloaded = child.await("hotswap: reloaded");
            assertThat(reloaded).matches("hotswap: reloaded 2 classes in \\d+ ms: app.Counter, app.Target");
            String after = child.await("value=2 greet=howdy2 lambda=L2");
            assertThat(App.count(after)).as("the counter kept counting").isGreaterThan(before);
            assertThat(child.output()).doesNotContain("WARNING: A Java agent has been loaded dynamically");
        }
    }

    @Test
    void libraryModeAttachesItselfOnceAndSwaps() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.LIBRARY, 1));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-Dhotswap.quiet=150ms",
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), App.MAIN))) {
            child.await("active=true,true");
            long before = App.count(child.await("value=1 greet=hello lambda=L1"));

            Javac.compile(classes, App.sources(App.Start.LIBRARY, 2));

            child.await("listener: Reloaded [app.Counter, app.Target]");
            String after = child.await("value=2 greet=howdy2 lambda=L2");
            assertThat(App.count(after)).isGreaterThan(before);
            child.await("hotswap: attached to this JVM (in process, "); // the attach protocol spoken to itself
            assertThat(child.linesMatching(l -> l.startsWith("hotswap: attached to this JVM")))
                    .singleElement().asString().contains("-javaagent:" + ChildJvm.hotswapJar());
        }
    }

    @Test
    void libraryModeUnderTheAgentUsesTheAgentsSession() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.LIBRARY, 1));
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=150ms", classes, App.MAIN)) {
            child.await("active=true,true");
            child.await("hotswap: watching");
            child.await("value=1");
            Javac.compile(classes, App.sources(App.Start.LIBRARY, 2));
            child.await("listener: Reloaded [app.Counter, app.Target]");
            child.await("value=2");
            assertThat(child.output()).doesNotContain("hotswap: attached");
            assertThat(child.linesMatching(l -> l.startsWith("hotswap: watching"))).hasSize(1);
        }
    }

    @Test
    void executableJarWithLauncherAgentClass() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.NONE, 1));
        Files.createDirectories(dir.resolve("lib"));
        Files.copy(ChildJvm.hotswapJar(), dir.resolve("lib/hotswap.jar"));
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, App.MAIN);
        main.putValue("Launcher-Agent-Class", "dev.hotswap.agent.HotswapAgent");
        main.put(Attributes.Name.CLASS_PATH, "lib/hotswap.jar classes/");
        // The launched jar's manifest grants the agent its capabilities.
        main.putValue("Can-Redefine-Classes", "true");
        main.putValue("Can-Retransform-Classes", "true");
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // a launcher jar: the manifest points at the classes folder and at hotswap
        }
        try (ChildJvm child = ChildJvm.start(dir, List.of("-jar", jar.toString()))) {
            child.await("hotswap: watching 1 folder for changed classes: " + classes);
            long before = App.count(child.await("value=1"));
            Javac.compile(classes, App.sources(App.Start.NONE, 2));
            assertThat(App.count(child.await("value=2 greet=howdy2 lambda=L2"))).isGreaterThan(before);
            assertThat(child.output()).doesNotContain("WARNING");
        }
    }

    @Test
    void executableJarThatBundlesHotswap() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.NONE, 1));
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, App.MAIN);
        main.putValue("Launcher-Agent-Class", "dev.hotswap.agent.HotswapAgent");
        main.putValue("Can-Redefine-Classes", "true");
        main.putValue("Can-Retransform-Classes", "true");
        main.put(Attributes.Name.CLASS_PATH, "classes/");
        Path jar = dir.resolve("fat.jar");
        // hotswap's classes and its core (META-INF/hotswap/) copied into the application's jar, as a shading build does.
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream fat = new JarOutputStream(out, manifest);
             java.util.jar.JarFile ours = new java.util.jar.JarFile(ChildJvm.hotswapJar().toFile())) {
            for (var entry : java.util.Collections.list(ours.entries())) {
                if (entry.getName().endsWith(".class") || entry.getName().startsWith("META-INF/hotswap/")) {
                    fat.putNextEntry(new java.util.jar.JarEntry(entry.getName()));
                    try (var in = ours.getInputStream(entry)) {
                        in.transferTo(fat);
                    }
                    fat.closeEntry();
                }
            }
        }
        try (ChildJvm child = ChildJvm.start(dir, List.of("-jar", jar.toString()))) {
            child.await("hotswap: watching 1 folder for changed classes: " + classes);
            child.await("value=1");
            Javac.compile(classes, App.sources(App.Start.NONE, 2));
            child.await("value=2 greet=howdy2 lambda=L2");
        }
    }

    @Test
    void agentOptionsEventsAndOnReloadHook() throws Exception {
        Path classes = dir.resolve("classes");
        Path events = dir.resolve("events.jsonl");
        // The hook method exists in v1 already (adding a method is a structural change); v2 marks it.
        String hook = """
                public class Target {
                    static String cache = "built at start";
                    %s
                    static void refresh() {
                        System.out.println("refreshed: value is now " + value() + ", cache was " + cache);
                    }
                """;
        var v1 = App.sources(App.Start.NONE, 1);
        v1.put("app.Target", App.target(1).replace("public class Target {", hook.formatted("")));
        var v2 = App.sources(App.Start.NONE, 2);
        v2.put("app.Target", App.target(2).replace("public class Target {", hook.formatted("@dev.hotswap.OnReload")));
        Javac.compile(classes, v1);
        try (ChildJvm child = ChildJvm.start(dir, List.of(
                "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=150ms,events=" + events,
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), App.MAIN))) {
            child.await("value=1");
            Javac.compile(classes, v2);
            child.await("refreshed: value is now 2, cache was built at start");
            child.await("value=2");
            assertThat(Files.readAllLines(events)).singleElement().asString()
                    .contains("\"outcome\":\"reloaded\"").contains("\"classes\":[\"app.Counter\",\"app.Target\"]");
        }
    }

    @Test
    void pollingWatcherWhenAskedFor() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.NONE, 1));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-Dhotswap.poll=50ms", "-javaagent:" + ChildJvm.hotswapJar(),
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), App.MAIN))) {
            child.await("hotswap: watching 1 folder for changed classes (polling): " + classes);
            child.await("value=1");
            Javac.compile(classes, App.sources(App.Start.NONE, 2));
            child.await("value=2 greet=howdy2 lambda=L2");
        }
    }
}

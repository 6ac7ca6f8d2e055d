package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Getting into a JVM that was not started with the agent: allowed, forbidden, from outside. */
class AttachTest {
    @TempDir
    Path dir;

    private ChildJvm libraryProgram(String... jvmFlags) throws Exception {
        return libraryProgram(Map.of(), jvmFlags);
    }

    private ChildJvm libraryProgram(Map<String, String> environment, String... jvmFlags) throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.LIBRARY, 1));
        List<String> args = new java.util.ArrayList<>(List.of(jvmFlags));
        args.addAll(List.of("-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), App.MAIN));
        return ChildJvm.start(dir, args, environment);
    }

    /** Without a {@code kill} command (a minimal image) the helper JVM attaches back instead. */
    @Test
    void withoutKillTheHelperJvmAttaches() throws Exception {
        Path empty = java.nio.file.Files.createDirectories(dir.resolve("no-commands"));
        try (ChildJvm child = libraryProgram(Map.of("PATH", empty.toString()))) {
            child.await("active=true,true");
            child.await("hotswap: attached to this JVM (through a helper JVM, ");
            child.await("value=1");
            Javac.compile(dir.resolve("classes"), App.sources(App.Start.LIBRARY, 2));
            child.await("value=2 greet=howdy2 lambda=L2");
        }
    }

    /** Under -Xrs the signal that starts the attach mechanism would end the JVM: hotswap does not send it. */
    @Test
    void underXrsHotswapSaysWhyAndTheProgramRunsOn() throws Exception {
        try (ChildJvm child = libraryProgram("-Xrs")) {
            String line = child.await("hotswap: cannot swap code in this JVM");
            assertThat(line).contains("-Xrs").contains("-javaagent:");
            child.await("active=false,false");
            child.awaitMore(3, "tick=");
            assertThat(child.isAlive()).isTrue();
        }
    }

    @Test
    void attachForbiddenByDisableAttachMechanismIsExplainedAndTheProgramRunsOn() throws Exception {
        try (ChildJvm child = libraryProgram("-XX:+DisableAttachMechanism")) {
            String line = child.await("hotswap: cannot swap code in this JVM");
            assertThat(line).contains("-XX:+DisableAttachMechanism")
                    .contains("-javaagent:" + ChildJvm.hotswapJar())
                    .endsWith("The program runs on without swapping.");
            child.await("active=false,false");
            child.awaitMore(3, "tick=");
        }
    }

    @Test
    void attachForbiddenByEnableDynamicAgentLoadingIsExplained() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "-XX:-EnableDynamicAgentLoading exists from JDK 21 on");
        try (ChildJvm child = libraryProgram("-XX:-EnableDynamicAgentLoading")) {
            String line = child.await("hotswap: cannot swap code in this JVM");
            assertThat(line).contains("-XX:-EnableDynamicAgentLoading").contains("-javaagent:");
            child.await("active=false,false");
            child.awaitMore(3, "tick=");
        }
    }

    @Test
    void attachInsideTheJvmWhenAllowAttachSelfIsSet() throws Exception {
        try (ChildJvm child = libraryProgram("-Djdk.attach.allowAttachSelf=true")) {
            child.await("active=true,true");
            child.await("hotswap: attached to this JVM (in process, "); // not through the helper
            child.await("value=1");
            Javac.compile(dir.resolve("classes"), App.sources(App.Start.LIBRARY, 2));
            child.await("value=2 greet=howdy2 lambda=L2");
        }
    }

    @Test
    void commandLineAttachesToARunningProgram() throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.NONE, 1));
        try (ChildJvm child = ChildJvm.start(dir, List.of("-cp", classes.toString(), App.MAIN))) {
            long before = App.count(child.await("value=1"));
            try (ChildJvm cli = ChildJvm.start(dir, List.of("-jar", ChildJvm.hotswapJar().toString(),
                    "attach", Long.toString(child.pid()), "watch=" + classes))) {
                assertThat(cli.awaitExit()).as(cli.output()).isZero();
                assertThat(cli.output()).contains("hotswap: agent loaded into " + child.pid());
            }
            child.await("hotswap: watching 1 folder for changed classes: " + classes);
            Javac.compile(classes, App.sources(App.Start.NONE, 2));
            assertThat(App.count(child.await("value=2 greet=howdy2 lambda=L2"))).isGreaterThan(before);
        }
    }
}

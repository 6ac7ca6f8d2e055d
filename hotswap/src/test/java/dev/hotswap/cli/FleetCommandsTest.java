package dev.hotswap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet commands' command line, and what they make of a build folder; no JVM is reached here. */
class FleetCommandsTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aBadCommandLineIsUsageAndStatusTwo() {
        assertThat(run("push", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: java -jar hotswap.jar push --to TARGET");
        assertThat(run("rollback")).isEqualTo(2);
        assertThat(run("push", "--to")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--to needs a value");
    }

    @Test
    void anUnreachableTargetIsALineOfItsOwnAndStatusOne() throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.write(dir.resolve("app/A.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
        assertThat(run("push", "--to", "not-a-target,127.0.0.1:1", dir.toString())).isEqualTo(1);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("not-a-target: cannot reach it ('not-a-target' is neither a pid nor host:port)");
        assertThat(printed).contains("127.0.0.1:1: cannot reach it");
    }

    @Test
    void aBuildFolderIsItsClassFilesByBinaryName() throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        Files.write(dir.resolve("a/b/C.class"), new byte[] {1});
        Files.write(dir.resolve("a/b/C$1.class"), new byte[] {2});
        Files.write(dir.resolve("a/b/package-info.class"), new byte[] {3});
        Files.writeString(dir.resolve("a/b/notes.txt"), "x");
        Map<String, byte[]> classes = Fleet.classFiles(dir);
        assertThat(classes).containsOnlyKeys("a.b.C", "a.b.C$1");
        assertThat(dev.hotswap.classfile.Sha256.of(new byte[0])).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}

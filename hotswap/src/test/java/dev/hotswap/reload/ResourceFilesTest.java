package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration file written again with the same bytes is no change; any other write is. */
class ResourceFilesTest {
    @TempDir
    Path dir;

    @Test
    void theSameBytesWrittenAgainAreNoChange() throws Exception {
        Path props = Files.writeString(dir.resolve("application.properties"), "greeting=hello\n");
        Path yml = Files.createDirectories(dir.resolve("config")).resolve("app.yml");
        Files.writeString(yml, "a: 1\n");
        ResourceFiles files = new ResourceFiles();
        files.snapshot(List.of(dir));

        Files.writeString(props, "greeting=hello\n"); // as mvn compile copies it again
        assertThat(files.changed(props)).isFalse();
        Files.writeString(yml, "a: 1\n");
        assertThat(files.changed(yml)).isFalse();

        Files.writeString(props, "greeting=howdy\n");
        assertThat(files.changed(props)).isTrue();
        assertThat(files.changed(props)).as("told once").isFalse();

        Path fresh = Files.writeString(dir.resolve("messages.properties"), "x=y\n");
        assertThat(files.changed(fresh)).as("a new file").isTrue();

        Files.delete(yml);
        assertThat(files.changed(yml)).as("a deleted file").isTrue();
        Files.writeString(yml, "a: 1\n");
        assertThat(files.changed(yml)).as("back after its deletion").isTrue();
    }
}

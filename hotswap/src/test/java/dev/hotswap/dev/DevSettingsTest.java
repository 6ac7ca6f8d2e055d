package dev.hotswap.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSettingsTest {
    @TempDir
    Path base;

    @Test
    void mavenLayoutIsTheDefaultAndProgramArgumentsFollowTheDoubleDash() throws Exception {
        Files.createDirectories(base.resolve("src/main/java"));
        Files.createDirectories(base.resolve("src/main/resources"));
        DevSettings s = DevSettings.parse(List.of("--main", "app.Main", "--cp", "lib/a.jar" + File.pathSeparator + "lib/b.jar",
                "--jvm", "-Xmx256m", "--javac", "-Xlint", "--", "--main", "x"), base);
        assertThat(s.mainClass()).isEqualTo("app.Main");
        assertThat(s.sources()).containsExactly(base.resolve("src/main/java"));
        assertThat(s.resources()).containsExactly(base.resolve("src/main/resources"));
        assertThat(s.out()).isEqualTo(base.resolve("target/classes"));
        assertThat(s.runClassPath()).containsExactly(base.resolve("target/classes"), base.resolve("lib/a.jar"), base.resolve("lib/b.jar"));
        assertThat(s.jvmOptions()).containsExactly("-Xmx256m");
        assertThat(s.javacOptions()).containsExactly("-g", "-parameters", "-Xlint");
        assertThat(s.args()).containsExactly("--main", "x");
    }

    @Test
    void foldersNamedReplaceTheDefaultsAndAMissingResourceFolderIsNoneByDefault() throws Exception {
        Files.createDirectories(base.resolve("java"));
        DevSettings s = DevSettings.parse(List.of("--main", "M", "--src", "java", "--out", "bin"), base);
        assertThat(s.sources()).containsExactly(base.resolve("java"));
        assertThat(s.resources()).isEmpty();
        assertThat(s.out()).isEqualTo(base.resolve("bin"));
    }

    @Test
    void aBadCommandLineIsOneSentence() {
        assertThatThrownBy(() -> DevSettings.parse(List.of(), base)).hasMessageContaining("--main CLASS is required");
        assertThatThrownBy(() -> DevSettings.parse(List.of("--main"), base)).hasMessageContaining("--main needs a value");
        assertThatThrownBy(() -> DevSettings.parse(List.of("--main", "M", "--watch", "x"), base))
                .hasMessageContaining("unknown option '--watch'");
        assertThatThrownBy(() -> DevSettings.parse(List.of("--main", "M"), base))
                .hasMessageContaining("source folder").hasMessageContaining("--src DIR");
    }
}

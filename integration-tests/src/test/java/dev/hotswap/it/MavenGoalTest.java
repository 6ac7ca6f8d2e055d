package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn hotswap:dev} on a project of its own: Maven hands the plugin the source roots,
 * resources, output folder and class path; the program starts and takes each saved edit, a compile
 * error changes nothing, and ending Maven ends the program. Needs the plugin in the local
 * repository: the README's test command installs it before this module runs.
 */
class MavenGoalTest {
    @TempDir
    Path project;

    private static final String POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>test</groupId>
              <artifactId>app</artifactId>
              <version>1</version>
              <properties>
                <maven.compiler.release>17</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <build>
                <plugins>
                  <plugin>
                    <groupId>dev.hotswap</groupId>
                    <artifactId>hotswap-maven-plugin</artifactId>
                    <version>%s</version>
                    <configuration>
                      <mainClass>app.Main</mainClass>
                    </configuration>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    System.out.println("pid=" + ProcessHandle.current().pid() + " args=" + String.join(",", args));
                    for (int n = 1; ; n++) {
                        step(n);
                        Thread.sleep(50);
                    }
                }

                static void step(int n) {
                    System.out.println("tick " + n + " " + Greeter.greet());
                }
            }
            """;

    private static final String GREETER = """
            package app;
            public class Greeter {
                static String greet() {
                    return "hello";
                }
            }
            """;

    @Test
    void theGoalRunsTheProjectAndSwapsEachSave() throws Exception {
        Files.writeString(project.resolve("pom.xml"), POM.formatted(System.getProperty("projectVersion")));
        Path sources = Files.createDirectories(project.resolve("src/main/java/app"));
        Files.writeString(sources.resolve("Main.java"), MAIN);
        Path greeter = sources.resolve("Greeter.java");
        Files.writeString(greeter, GREETER);
        Path mvn = Path.of(System.getProperty("mavenHome"), "bin", "mvn");
        try (ChildJvm maven = ChildJvm.run(project, List.of(mvn.toString(), "-B", "-o", "-q",
                        "-Dmaven.repo.local=" + System.getProperty("mavenRepoLocal"), "hotswap:dev", "-Dhotswap.args=x y"),
                Map.of("JAVA_HOME", Path.of(System.getProperty("java.home")).toString()))) {
            maven.await("hotswap dev: compiled 2 files");
            String started = maven.await("pid=");
            assertThat(started).endsWith("args=x,y");
            long pid = Long.parseLong(started.replaceAll(".*pid=(\\d+).*", "$1"));
            maven.await("tick 2 hello");
            assertThat(project.resolve("target/classes/app/Greeter.class")).exists();

            int mark = maven.mark();
            Files.writeString(greeter, GREETER.replace("\"hello\"", "\"howdy\""));
            assertThat(maven.awaitAfter(mark, "hotswap: reloaded 1 class")).contains("app.Greeter");
            maven.awaitAfter(mark, "howdy");

            mark = maven.mark();
            Files.writeString(greeter, GREETER.replace("return \"hello\";", "return 42;"));
            assertThat(maven.awaitAfter(mark, "Greeter.java:")).contains("error:");
            maven.awaitAfter(mark, "hotswap dev: compile failed (1 file); nothing applied, the program runs on");
            mark = maven.mark();
            maven.awaitMore(3, "tick ");
            assertThat(maven.linesFrom(mark).stream().filter(l -> l.startsWith("tick "))).allMatch(l -> l.endsWith(" howdy"));

            maven.stop();
            ProcessHandle.of(pid).ifPresent(program -> program.onExit().orTimeout(ChildJvm.WAIT.toSeconds(),
                    java.util.concurrent.TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }
}

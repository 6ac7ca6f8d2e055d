package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.HotswapMXBean;
import dev.hotswap.ReloadOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Bad input over JMX {@code reload} is a refusal by name, counted and kept in the history like
 * every refusal, with nothing written: a name that is not a binary class name, and a loaded class
 * with no file behind it. No batch reaches the reloader here.
 */
class RemoteTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final History history = new History();
    private Class<?>[] loaded = {};

    private SessionBean bean() {
        Roots roots = new Roots(List.of(dir));
        Reporter reporter = new Reporter(Options.defaults(), () -> new PrintStream(err, true, StandardCharsets.UTF_8));
        RunningBytes running = new RunningBytes(roots);
        // No reloader: every batch here is refused before one would be needed.
        Remote remote = new Remote(roots, running, new LoadedIndex(() -> loaded), null, reporter, history,
                new Teller(reporter, history));
        return new SessionBean(List.of(dir), history, running, remote, (task, delay) -> task.run(), () -> "test");
    }

    private static byte[] classFile(String internalName) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
        writer.visitEnd();
        return writer.toByteArray();
    }

    @Test
    void aNameThatIsNotABinaryClassNameIsRefusedByNameAndCounted() throws Exception {
        SessionBean bean = bean();
        for (String name : List.of("app.A\0", ".tmp.evil", "app..A", "app.A/B", "app.A;", "")) {
            HotswapMXBean.Batch batch = bean.reload(Map.of(name, classFile(name.replace('.', '/'))));
            assertThat(batch.getOutcome()).as(name).isEqualTo("refused");
            assertThat(batch.getReasons()).as(name).singleElement().satisfies(r -> {
                assertThat(r.getKind()).isEqualTo("UNREADABLE_CLASS_FILE");
                assertThat(r.getClassName()).isEqualTo(name);
                assertThat(r.getMessage()).startsWith("is not a binary class name");
            });
        }
        java.util.HashMap<String, byte[]> nullName = new java.util.HashMap<>();
        nullName.put(null, classFile("app/A"));
        assertThat(bean.reload(nullName).getReasons()).singleElement()
                .satisfies(r -> assertThat(r.getMessage()).startsWith("is not a binary class name (it is empty)"));
        assertThat(bean.getRefusedBatches()).isEqualTo(7);
        assertThat(bean.history()).hasSize(7).allSatisfy(b -> assertThat(b.getOrigin()).isEqualTo("jmx"));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("hotswap: not reloaded app.A?: is not a binary class name");
        try (var files = Files.walk(dir)) {
            assertThat(files).containsExactly(dir); // nothing written, in the folder or beside it
        }
        assertThat(Path.of("/tmp/evil.class")).doesNotExist();
    }

    @Test
    void aLoadedClassWithNoFileBehindItIsRefusedByNameAndCounted() throws Exception {
        byte[] ghost = classFile("app/Ghost");
        loaded = new Class<?>[] {new ClassLoader(null) {
            Class<?> define() {
                return defineClass("app.Ghost", ghost, 0, ghost.length); // no code source: from no file
            }
        }.define()};
        SessionBean bean = bean();
        HotswapMXBean.Batch batch = bean.reload(Map.of("app.Ghost", ghost));
        assertThat(batch.getOutcome()).isEqualTo("refused");
        assertThat(batch.getReasons()).singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("NOT_FROM_WATCHED_FOLDER");
            assertThat(r.getClassName()).isEqualTo("app.Ghost");
            assertThat(r.getMessage()).contains("not from a file");
        });
        assertThat(bean.getRefusedBatches()).isOne();
        assertThat(history.entries()).singleElement().satisfies(e -> assertThat(e.outcome()).isInstanceOf(ReloadOutcome.Refused.class));
        assertThat(dir.resolve("app/Ghost.class")).doesNotExist();
    }
}

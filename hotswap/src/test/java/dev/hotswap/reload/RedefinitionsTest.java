package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Another agent's redefinition (a debugger's HotSwap): the JVM is handed what the class runs, and
 * the requested bytes are queued as one batch; a change no JVM takes is left to the JVM to refuse.
 */
class RedefinitionsTest {
    static class Sample {
        int value() {
            return 1;
        }
    }

    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<Map<Class<?>, byte[]>> applied = new ArrayList<>();
    private final RunningBytes running = new RunningBytes(new Roots(List.of()));
    private final Redefinitions redefinitions = new Redefinitions(null, running,
            new EngineSlot(Optional::empty, Optional.empty(), () -> new VersionShape.Choice(false, false, false)),
            (task, delay) -> scheduled.add(task));

    RedefinitionsTest() {
        redefinitions.applyWith(applied::add);
    }

    private static byte[] compiled() throws IOException {
        try (InputStream in = Sample.class.getResourceAsStream("RedefinitionsTest$Sample.class")) {
            return in.readAllBytes();
        }
    }

    /** The class file with another source file name (a body-only difference), or another superclass. */
    private static byte[] changed(byte[] bytes, String superName) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superclass, String[] interfaces) {
                super.visit(version, access, name, signature, superName == null ? superclass : superName, interfaces);
            }

            @Override
            public void visitSource(String source, String debug) {
                super.visitSource("Elsewhere.java", debug);
            }
        }, 0);
        return writer.toByteArray();
    }

    private void runScheduledAfterQuiet() throws InterruptedException {
        Thread.sleep(Redefinitions.QUIET.toMillis() + 20);
        for (int i = 0; i < scheduled.size(); i++) {
            scheduled.get(i).run();
        }
    }

    @Test
    void aClassHotswapNeverSawPassesAsAsked() throws IOException {
        assertThat(redefinitions.redefining(Sample.class, changed(compiled(), null))).isNull();
        assertThat(scheduled).isEmpty();
    }

    @Test
    void theSameBytesAsRunningChangeNothingAndQueueNothing() throws IOException {
        byte[] bytes = compiled();
        running.seen(Sample.class.getClassLoader(), "dev/hotswap/reload/RedefinitionsTest$Sample", bytes);
        assertThat(redefinitions.redefining(Sample.class, bytes.clone())).isEqualTo(bytes);
        assertThat(scheduled).isEmpty();
    }

    @Test
    void aChangeIsAnsweredWithWhatRunsAndGoesInAsOneBatch() throws Exception {
        byte[] bytes = compiled();
        running.seen(Sample.class.getClassLoader(), "dev/hotswap/reload/RedefinitionsTest$Sample", bytes);
        byte[] requested = changed(bytes, null);
        assertThat(redefinitions.redefining(Sample.class, requested)).as("the JVM gets what runs").isEqualTo(bytes);
        assertThat(redefinitions.redefining(Sample.class, requested)).isEqualTo(bytes);
        assertThat(scheduled).as("one drain for requests close together").hasSize(1);
        runScheduledAfterQuiet();
        assertThat(applied).singleElement().satisfies(batch -> assertThat(batch.get(Sample.class)).isEqualTo(requested));
    }

    @Test
    void aSuperclassChangeIsLeftToTheJvmToRefuseAndStillReported() throws Exception {
        byte[] bytes = compiled();
        running.seen(Sample.class.getClassLoader(), "dev/hotswap/reload/RedefinitionsTest$Sample", bytes);
        assertThat(redefinitions.redefining(Sample.class, changed(bytes, "java/lang/Thread"))).isNull();
        runScheduledAfterQuiet();
        assertThat(applied).as("hotswap's own line says why").hasSize(1);
    }
}

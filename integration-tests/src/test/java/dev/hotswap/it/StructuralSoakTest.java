package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A long editing session: one class reloaded 1,000 times, structurally and by bodies alone, every version with 400
 * new constants in 400 methods, in a JVM limited to 32 MB of Metaspace and 48 MB of heap. Plain redefinition keeps
 * every old constant and runs out of Metaspace long before that; superseded hidden-class
 * versions must be collected. Swaps must not slow down as versions pile up.
 */
class StructuralSoakTest {
    private static final int EDITS = 1000;
    private static final int METHODS = 400;

    @TempDir
    Path dir;

    /** {@code public class Text { public static String v() { return "version k"; } static String cI() {...} } } */
    private static byte[] version(int k, boolean structural) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "app/Text", null, "java/lang/Object", null);
        MethodVisitor v = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "v", "()Ljava/lang/String;", null, null);
        v.visitCode();
        v.visitLdcInsn("version " + k);
        v.visitInsn(Opcodes.ARETURN);
        v.visitMaxs(0, 0);
        v.visitEnd();
        for (int i = 0; (k > 0 || !structural) && i < METHODS; i++) {
            MethodVisitor c = cw.visitMethod(Opcodes.ACC_STATIC, "c" + i, "()Ljava/lang/String;", null, null);
            c.visitCode();
            c.visitLdcInsn("constant " + i + " of version " + k + " with some text to take up room");
            c.visitInsn(Opcodes.ARETURN);
            c.visitMaxs(0, 0);
            c.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void aThousandStructuralEditsInThirtyTwoMegabytesOfMetaspace() throws Exception {
        soak(true);
    }

    /** Each edit changes only constants in method bodies: after two plain redefinitions the engine takes the class. */
    @Test
    void aThousandBodyEditsInThirtyTwoMegabytesOfMetaspace() throws Exception {
        soak(false);
    }

    private void soak(boolean structural) throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> main = new LinkedHashMap<>();
        main.put("app.Text", "package app; public class Text { public static String v() { return \"version 0\"; } }");
        main.put("app.Main", """
                package app;
                public class Main {
                    public static void main(String[] args) {
                        String last = "";
                        while (true) {
                            String now = Text.v();
                            if (!now.equals(last)) {
                                System.out.println("seen " + now);
                                last = now;
                            }
                            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                        }
                    }
                }
                """);
        Javac.compile(classes, main);
        Files.write(classes.resolve("app/Text.class"), version(0, structural));
        // The bounds: 32 MB of Metaspace and 48 MB of heap for the whole session.
        try (ChildJvm child = ChildJvm.start(dir, List.of("-XX:MaxMetaspaceSize=32m", "-Xmx48m",
                "-javaagent:" + ChildJvm.hotswapJar() + "=quiet=0ms,verbosity=quiet",
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"))) {
            child.await("seen version 0");
            List<Long> millis = new ArrayList<>();
            for (int k = 1; k <= EDITS; k++) {
                int mark = child.mark();
                long started = System.nanoTime();
                Files.write(classes.resolve("app/Text.class"), version(k, structural));
                child.awaitAfter(mark, "seen version " + k);
                millis.add((System.nanoTime() - started) / 1_000_000);
            }
            assertThat(child.output()).doesNotContain("OutOfMemoryError").doesNotContain("not reloaded")
                    .doesNotContain("reload failed");
            double first = millis.subList(100, 300).stream().mapToLong(Long::longValue).average().orElseThrow();
            double last = millis.subList(EDITS - 200, EDITS).stream().mapToLong(Long::longValue).average().orElseThrow();
            System.out.printf("soak: swaps 100-300 took %.1f ms on average, the last 200 %.1f ms%n", first, last);
            assertThat(last).as("no cumulative slowdown (ms per swap, last 200 vs 100-300)").isLessThan(3 * first + 5);
        }
    }
}

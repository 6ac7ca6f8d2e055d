package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hotswap.classfile.CompilerAccess;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Frames of a hidden class put back into the trace of an exception that leaves them. */
class FrameMarkerTest {
    private static final String SOURCE = """
            package dev.hotswap.structural;
            class Marked {
                static int outer(int n) {
                    return inner(n) + 1;
                }
                static int inner(int n) {
                    if (n > 0) {
                        throw new IllegalStateException("n=" + n);
                    }
                    try {
                        return Integer.parseInt("x");
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
            """;

    private static Class<?> hiddenWithMarkers() throws Exception {
        byte[] bytes = CompilerAccess.compile(Map.of("dev.hotswap.structural.Marked", SOURCE)).get("dev/hotswap/structural/Marked");
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return name.startsWith("<") ? mv : new FrameMarker(mv, "dev/hotswap/structural/Marked", name, "Marked.java");
            }
        }, 0);
        return MethodHandles.lookup().defineHiddenClass(writer.toByteArray(), true).lookupClass();
    }

    @Test
    void framesOfTheHiddenClassAreBackWithTheirLines() throws Throwable {
        Class<?> hidden = hiddenWithMarkers();
        var outer = MethodHandles.lookup().findStatic(hidden, "outer", MethodType.methodType(int.class, int.class));
        Throwable thrown = catchThrowable(() -> outer.invoke(1));
        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("n=1");
        StackTraceElement[] trace = thrown.getStackTrace();
        assertThat(trace[0]).hasToString("dev.hotswap.structural.Marked.inner(Marked.java:8)");
        assertThat(trace[1]).hasToString("dev.hotswap.structural.Marked.outer(Marked.java:4)");
        // Then this test's own frame, which called outer: nothing left out, nothing added twice.
        assertThat(Arrays.stream(trace).skip(2).filter(e -> e.getMethodName().equals("framesOfTheHiddenClassAreBackWithTheirLines")))
                .isNotEmpty();
        assertThat(Arrays.stream(trace).filter(e -> e.getClassName().contains("Marked"))).hasSize(2);
    }

    @Test
    void anExceptionCaughtInsideTheMethodIsLeftAlone() throws Throwable {
        Class<?> hidden = hiddenWithMarkers();
        var outer = MethodHandles.lookup().findStatic(hidden, "outer", MethodType.methodType(int.class, int.class));
        assertThat((int) outer.invoke(0)).isEqualTo(0);
    }

    @Test
    void anExceptionWithoutATraceIsNotTouched() {
        Throwable bare = new RuntimeException("no trace", null, false, false) { };
        assertThat(Linker.passing(bare, 3, "a.B", "m", "B.java")).isSameAs(bare);
        assertThat(bare.getStackTrace()).isEmpty();
    }
}

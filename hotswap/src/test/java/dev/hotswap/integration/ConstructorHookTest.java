package dev.hotswap.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

class ConstructorHookTest {
    /** Two constructors, one calling the other, one with two returns. */
    static final class Made {
        final int x;

        Made() {
            this(1);
        }

        Made(int x) {
            if (x < 0) {
                this.x = 0;
                return;
            }
            this.x = x;
        }

        int twice() {
            return x * 2;
        }
    }

    @Test
    void everyReturnOfEveryConstructorReportsTheObjectAndNothingElseChanges() throws IOException {
        byte[] bytes;
        try (InputStream in = Made.class.getResourceAsStream("ConstructorHookTest$Made.class")) {
            bytes = in.readAllBytes();
        }
        List<String> before = calls(bytes);
        List<String> after = calls(ConstructorHook.hooked(bytes));
        assertThat(after.stream().filter(c -> c.endsWith("java/lang/HotswapHooks.seen")).toList())
                .containsExactly("<init>()V java/lang/HotswapHooks.seen", "<init>(I)V java/lang/HotswapHooks.seen",
                        "<init>(I)V java/lang/HotswapHooks.seen");
        assertThat(after.stream().filter(c -> !c.endsWith("java/lang/HotswapHooks.seen")).toList()).isEqualTo(before);
    }

    private static List<String> calls(byte[] bytes) {
        List<String> calls = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        calls.add(name + descriptor + " " + owner + "." + method);
                    }
                };
            }
        }, 0);
        return calls;
    }
}

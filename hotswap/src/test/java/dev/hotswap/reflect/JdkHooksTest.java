package dev.hotswap.reflect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The JDK classes this JDK runs take hotswap's hooks: each expected call is found and swapped, one
 * instruction for one (the patched class is the same size in code), and a class lacking one is
 * refused, not half-patched.
 */
class JdkHooksTest {
    private static byte[] jdk(String name) throws IOException {
        try (InputStream in = Object.class.getResourceAsStream("/" + name + ".class")) {
            return in.readAllBytes();
        }
    }

    private static List<String> hookCalls(byte[] bytes) {
        List<String> calls = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] e) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean i) {
                        if (owner.equals(JdkHooks.HOOKS)) {
                            calls.add(name + "->" + n);
                        }
                    }
                };
            }
        }, 0);
        return calls;
    }

    @Test
    void everyReflectionClassOfThisJdkTakesItsHooks() throws IOException {
        assertThat(hookCalls(RawCalls.swap(jdk("java/lang/Class"), StartHooks.HOOKS, StartHooks.CLASS_SWAPS)))
                .contains("privateGetDeclaredMethods->declaredMethods", "privateGetDeclaredFields->declaredFields",
                        "privateGetDeclaredConstructors->declaredConstructors", "createAnnotationData->classAnnotations");
        assertThat(hookCalls(JdkHooks.patched("java/lang/reflect/Executable", jdk("java/lang/reflect/Executable"))))
                .contains("declaredAnnotations->annotations", "parseParameterAnnotations->parameterAnnotations")
                .anyMatch(call -> call.endsWith("->parameters")); // privateGetParameters on 17, parameterData on 25
        assertThat(hookCalls(JdkHooks.patched("java/lang/reflect/Method", jdk("java/lang/reflect/Method"))))
                .contains("getDefaultValue->memberValue");
        assertThat(hookCalls(JdkHooks.patched("java/lang/reflect/Field", jdk("java/lang/reflect/Field"))))
                .contains("declaredAnnotations->annotations");
        List<String> lookup = hookCalls(JdkHooks.patched(JdkHooks.LOOKUP, jdk(JdkHooks.LOOKUP)));
        assertThat(lookup).hasSize(JdkHooks.LOOKUP_ENTRIES.size()).contains("findVirtual->lookup", "unreflectGetter->lookup");
        assertThat(hookCalls(JdkHooks.patched(JdkHooks.UNSAFE, jdk(JdkHooks.UNSAFE))))
                .containsExactlyInAnyOrder("objectFieldOffset->offsetOf", "staticFieldOffset->offsetOf", "staticFieldBase->offsetOf");
    }

    @Test
    void aClassWithoutTheExpectedCallsIsRefused() {
        assertThatThrownBy(() -> JdkHooks.patched("java/lang/reflect/Field", jdk("java/lang/String")))
                .isInstanceOf(IOException.class).hasMessageContaining("does not call");
        assertThatThrownBy(() -> RawCalls.swap(jdk("java/lang/String"), StartHooks.HOOKS, StartHooks.CLASS_SWAPS))
                .isInstanceOf(IOException.class).hasMessageContaining("does not call");
    }

    /** The hand-written swap changes only the calls: the class reads back whole, every other instruction as it was. */
    @Test
    void theRawSwapKeepsTheClassIntact() throws IOException {
        byte[] before = jdk("java/lang/Class");
        byte[] after = RawCalls.swap(before, StartHooks.HOOKS, StartHooks.CLASS_SWAPS);
        org.objectweb.asm.tree.ClassNode a = new org.objectweb.asm.tree.ClassNode();
        new ClassReader(before).accept(a, 0);
        org.objectweb.asm.tree.ClassNode b = new org.objectweb.asm.tree.ClassNode();
        new ClassReader(after).accept(b, 0);
        assertThat(b.methods).hasSameSizeAs(a.methods);
        int changed = 0;
        for (int m = 0; m < a.methods.size(); m++) {
            var x = a.methods.get(m).instructions;
            var y = b.methods.get(m).instructions;
            assertThat(y.size()).isEqualTo(x.size());
            for (int i = 0; i < x.size(); i++) {
                assertThat(y.get(i).getOpcode()).isIn(x.get(i).getOpcode(), Opcodes.INVOKESTATIC);
                if (y.get(i) instanceof org.objectweb.asm.tree.MethodInsnNode call && call.owner.equals(StartHooks.HOOKS)) {
                    changed++;
                }
            }
        }
        assertThat(changed).isEqualTo(6);
        assertThat(new String(RawCalls.renamed(jdk("java/lang/String"), "p/Q"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("p/Q");
        assertThat(new ClassReader(RawCalls.renamed(jdk("java/lang/String"), "p/Q")).getClassName()).isEqualTo("p/Q");
    }
}

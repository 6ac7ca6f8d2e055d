package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.CompilerAccess;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;

/** Which modifier changes the engine can honour while the loaded class keeps its own. */
class ModifierChangesTest {
    private static ClassModel compile(String body) throws Exception {
        byte[] bytes = CompilerAccess.compile(Map.of("p.C", "package p; public class C { " + body + " }")).get("p/C");
        return ClassModel.parse(bytes);
    }

    @Test
    void aWriteToAFieldThatWasFinalGoesThroughTheEngineEvenFromItsOwnClass() throws Exception {
        ClassModel loaded = compile("private final int n = 1;");
        ClassModel next = compile("private int n = 1;");
        assertThat(LoadRewriter.fieldAccessChanged(loaded, next, "p/C", "n", "I", false, true)).isTrue();
        assertThat(LoadRewriter.fieldAccessChanged(loaded, next, "p/C", "n", "I", false, false)).isFalse();
    }

    @Test
    void aWidenedFieldGoesThroughTheEngineFromOtherClassesOnly() throws Exception {
        ClassModel loaded = compile("private int n;");
        ClassModel next = compile("public int n;");
        assertThat(LoadRewriter.fieldAccessChanged(loaded, next, "p/Other", "n", "I", false, false)).isTrue();
        assertThat(LoadRewriter.fieldAccessChanged(loaded, next, "p/C", "n", "I", false, false)).isFalse();
        // Narrowed: javac checked the new code; the loaded field allows more.
        assertThat(LoadRewriter.fieldAccessChanged(next, loaded, "p/Other", "n", "I", false, false)).isFalse();
        // Another field (static) is not this one.
        assertThat(LoadRewriter.fieldAccessChanged(loaded, next, "p/Other", "n", "I", true, false)).isFalse();
    }

    @Test
    void onlyFinalOrAbstractAddedToAClassIsSwappable() {
        int plain = Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER;
        assertThat(Policy.classModifiersSwappable(plain, plain | Opcodes.ACC_FINAL)).isTrue();
        assertThat(Policy.classModifiersSwappable(plain, plain | Opcodes.ACC_ABSTRACT)).isTrue();
        assertThat(Policy.classModifiersSwappable(plain | Opcodes.ACC_FINAL, plain)).isFalse();
        assertThat(Policy.classModifiersSwappable(plain, Opcodes.ACC_SUPER)).isFalse();
        assertThat(Policy.classModifiersSwappable(plain, plain & ~Opcodes.ACC_SUPER)).isTrue();
        int anInterface = Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT;
        assertThat(Policy.classModifiersSwappable(anInterface, anInterface | Opcodes.ACC_FINAL)).isFalse();
    }
}

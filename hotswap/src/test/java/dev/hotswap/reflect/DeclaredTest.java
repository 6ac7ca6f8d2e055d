package dev.hotswap.reflect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/** The class-file reader behind the newest view, and the constant-pool carrier it makes. */
class DeclaredTest {
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface Tagged {
        String value();
    }

    @Tagged("class")
    static class Sample<T> {
        @Tagged("field") java.util.List<T> items;
        static final int LIMIT = 3;

        Sample(String name) {
        }

        @Tagged("method")
        <R extends Comparable<R>> R pick(@Tagged("param") R left, R right) throws IOException {
            return left;
        }
    }

    record Pair<T>(@Tagged("left") T left, int right) {
    }

    sealed interface Choice permits Yes, No {
    }

    record Yes() implements Choice {
    }

    record No() implements Choice {
    }

    @Test
    void readsPermittedSubclasses() throws IOException {
        assertThat(Declared.read(bytesOf(Choice.class)).permitted()).hasValue(List.of("dev/hotswap/reflect/DeclaredTest$Yes",
                "dev/hotswap/reflect/DeclaredTest$No"));
        assertThat(Declared.read(bytesOf(Yes.class)).permitted()).isEmpty();
    }

    @Test
    void readsRecordComponentsWithTheirSignatures() throws IOException {
        Declared pair = Declared.read(bytesOf(Pair.class));
        assertThat(pair.components()).hasValueSatisfying(components -> assertThat(components).containsExactly(
                new Declared.Component("left", "Ljava/lang/Object;", "TT;"), new Declared.Component("right", "I", null)));
        assertThat(Declared.read(bytesOf(Sample.class)).components()).as("no record").isEmpty();
    }

    static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsMembersSignaturesExceptionsAndRawAnnotations() throws IOException {
        Declared d = Declared.read(bytesOf(Sample.class));
        assertThat(d.name()).isEqualTo("dev/hotswap/reflect/DeclaredTest$Sample");
        assertThat(d.annotations()).isNotNull();
        assertThat(d.fields()).extracting(Declared.Member::name).containsExactly("items", "LIMIT");
        Declared.Member items = d.fields().get(0);
        assertThat(items.signature()).isEqualTo("Ljava/util/List<TT;>;");
        assertThat(items.annotations()).isNotNull();
        assertThat(d.fields().get(1).isStatic()).isTrue();
        assertThat(d.methods()).extracting(Declared.Member::name).containsExactly("<init>", "pick");
        Declared.Member pick = d.method("pick", "(Ljava/lang/Comparable;Ljava/lang/Comparable;)Ljava/lang/Comparable;")
                .orElseThrow();
        assertThat(pick.exceptions()).containsExactly("java/io/IOException");
        assertThat(pick.signature()).startsWith("<R::Ljava/lang/Comparable<TR;>;>");
        assertThat(pick.annotations()).isNotNull();
        assertThat(pick.parameterAnnotations()).isNotNull();
        assertThat(pick.key()).isEqualTo("pick(Ljava/lang/Comparable;Ljava/lang/Comparable;)Ljava/lang/Comparable;I");
    }

    @Test
    void methodParametersAreRead() {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/Q", null, "java/lang/Object", null);
        var m = w.visitMethod(Opcodes.ACC_STATIC, "go", "(II)V", null, null);
        m.visitParameter("first", 0);
        m.visitParameter(null, Opcodes.ACC_FINAL);
        m.visitCode();
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 2);
        m.visitEnd();
        w.visitEnd();
        Declared.Member go = Declared.read(w.toByteArray()).methods().get(0);
        assertThat(go.parameters()).isEqualTo(Optional.of(List.of(new Declared.Parameter("first", 0),
                new Declared.Parameter(null, Opcodes.ACC_FINAL))));
        assertThat(go.isStatic()).isTrue();
    }

    /** Every constant of the class file stays at its index in the carrier, which has no members. */
    @Test
    void theCarrierKeepsTheConstantPoolIndexForIndex() throws IOException {
        byte[] original = bytesOf(Sample.class);
        byte[] carrier = ConstantPools.carrierOf(original);
        ClassReader before = new ClassReader(original);
        ClassReader after = new ClassReader(carrier);
        assertThat(after.getItemCount()).isEqualTo(before.getItemCount() + 2);
        char[] buffer = new char[before.getMaxStringLength() + 32];
        for (int i = 1; i < before.getItemCount(); i++) {
            if (before.getItem(i) == 0) {
                continue; // the second slot of a long or double
            }
            int tag = original[before.getItem(i) - 1];
            assertThat(carrier[after.getItem(i) - 1]).as("tag at %d", i).isEqualTo((byte) tag);
            if (tag == 1) {
                assertThat(readUtf8(after, i, buffer)).isEqualTo(readUtf8(before, i, buffer));
            }
        }
        assertThat(after.getClassName()).isEqualTo(before.getClassName());
        assertThat(after.getSuperName()).isEqualTo("java/lang/Object");
        int[] members = {0};
        after.accept(new org.objectweb.asm.ClassVisitor(Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) {
                members[0]++;
                return null;
            }

            @Override
            public org.objectweb.asm.FieldVisitor visitField(int a, String n, String d, String s, Object v) {
                members[0]++;
                return null;
            }
        }, 0);
        assertThat(members[0]).isZero();
    }

    private static String readUtf8(ClassReader reader, int index, char[] buffer) {
        int offset = reader.getItem(index);
        int length = reader.readUnsignedShort(offset);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append((char) (reader.readByte(offset + 2 + i) & 0xFF));
        }
        return out.toString();
    }
}

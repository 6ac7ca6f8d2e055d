package dev.hotswap.classfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/** The JVM refuses a class file with a string that is not legal modified UTF-8: so does {@link ClassModel#parse}. */
class ModifiedUtf8Test {
    /** A class whose one field is named {@code marker}; {@code replacement} is put in place of the name's bytes. */
    private static byte[] classWithFieldName(byte[] replacement) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "p/A", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PRIVATE, "zzzz", "I", null, null).visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        byte[] marker = "zzzz".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + marker.length <= bytes.length; i++) {
            if (bytes[i] == marker[0] && bytes[i + 1] == marker[1] && bytes[i + 2] == marker[2] && bytes[i + 3] == marker[3]) {
                System.arraycopy(replacement, 0, bytes, i, marker.length);
                return bytes;
            }
        }
        throw new AssertionError("marker not found");
    }

    private static byte[] of(int... b) {
        byte[] bytes = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            bytes[i] = (byte) b[i];
        }
        return bytes;
    }

    @Test
    void legalStringsPass() throws Exception {
        assertThat(ConstantPool.illegalUtf8(classWithFieldName(of('a', 'b', 'c', 'd')))).isEqualTo(-1);
        // The JVM's encodings: a NUL as C0 80, 'é' as C3 A9.
        assertThat(ConstantPool.illegalUtf8(classWithFieldName(of('a', 0xC0, 0x80, 'd')))).isEqualTo(-1);
        assertThat(ConstantPool.illegalUtf8(classWithFieldName(of('a', 0xC3, 0xA9, 'd')))).isEqualTo(-1);
        assertThat(ClassModel.parse(classWithFieldName(of('a', 0xC3, 0xA9, 'd'))).fields()).hasSize(1);
    }

    @Test
    void illegalStringsAreRefusedAsTheJvmRefusesThem() {
        for (byte[] bad : new byte[][] {of('a', 0, 'c', 'd'), of('a', 0x80, 'c', 'd'), of('a', 0xF0, 'c', 'd'),
                of('a', 'b', 'c', 0xC3), of('a', 0xC1, 0x81, 'd'), of(0xE0, 0x80, 0x80, 'd')}) {
            byte[] bytes = classWithFieldName(bad);
            assertThat(ConstantPool.illegalUtf8(bytes)).as(java.util.Arrays.toString(bad)).isPositive();
            assertThatThrownBy(() -> ClassModel.parse(bytes)).isInstanceOf(InvalidClassFileException.class)
                    .hasMessageContaining("not legal modified UTF-8");
            // The control: the JVM itself refuses the same bytes.
            assertThatThrownBy(() -> new ClassLoader(null) {
                Class<?> define() {
                    return defineClass("p.A", bytes, 0, bytes.length);
                }
            }.define()).isInstanceOf(ClassFormatError.class);
        }
    }
}

package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.CompilerAccess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which classes a class file names: what ties a held class file to a later batch. */
class MentionsTest {
    private static final Map<String, byte[]> CLASSES = CompilerAccess.compile(Map.of(
            "p.Animal", "package p; public abstract class Animal { abstract int weight(); }",
            "p.Calls", "package p; class Calls { int w(Animal a) { return a.weight(); } }",
            "p.Holds", "package p; class Holds { java.util.List<Animal> all; }",
            "p.Other", "package p; class Other { int n; }"));

    @Test
    void aClassConstantADescriptorOrASignatureNamesAClass() {
        assertThat(HeldFiles.mentions(CLASSES.get("p/Calls"), "p/Animal")).isTrue();
        assertThat(HeldFiles.mentions(CLASSES.get("p/Holds"), "p/Animal")).isTrue(); // only in the field's signature
        assertThat(HeldFiles.mentions(CLASSES.get("p/Other"), "p/Animal")).isFalse();
        assertThat(HeldFiles.mentions(CLASSES.get("p/Calls"), "p/Anim")).isFalse();
        assertThat(HeldFiles.mentions(new byte[] {1, 2, 3}, "p/Animal")).isFalse();
    }
}

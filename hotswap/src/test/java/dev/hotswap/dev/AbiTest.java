package dev.hotswap.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.Compiler;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What changes a class's shape for the sources that compile against it, and what does not. */
class AbiTest {
    private static Abi abi(String source) throws Exception {
        return Abi.of(Compiler.compile(Map.of("app.A", source)).get("app/A"));
    }

    @Test
    void bodiesPrivateMembersAndMemberOrderAreNotShapeButSignaturesAndConstantsAre() throws Exception {
        Abi base = abi("package app; public class A { public int f; public int m() { return 1; } private void p() { } }");
        assertThat(abi("package app; public class A { public int f; public int m() { return 2; } private void p() { } }")
                .differsFrom(base)).isFalse();
        assertThat(abi("package app; public class A { public int f; public int m() { return 1; } private int q(int x) { return x; } }")
                .differsFrom(base)).isFalse();
        assertThat(abi("package app; public class A { public int m() { return 1; } public int f; private void p() { } }")
                .differsFrom(base)).isFalse();
        assertThat(abi("package app; public class A { public int f; public long m() { return 1; } private void p() { } }")
                .differsFrom(base)).isTrue();
        assertThat(abi("package app; public class A { public int f; public int m() { return 1; } void added() { } private void p() { } }")
                .differsFrom(base)).isTrue();
        assertThat(abi("package app; public class A implements Runnable { public int f; public int m() { return 1; }"
                + " public void run() { } private void p() { } }").differsFrom(base)).isTrue();
        Abi constant = abi("package app; public class A { public static final int K = 1; }");
        Abi changed = abi("package app; public class A { public static final int K = 2; }");
        assertThat(changed.differsFrom(constant)).isTrue();
        assertThat(changed.constantsDifferFrom(constant)).isTrue();
    }

    @Test
    void referencesNameTheClassesTheCodeAndTheSignaturesUse() throws Exception {
        Abi a = abi("package app; public class A { java.util.List<String> names; Object m(java.io.File f) {"
                + " return java.time.Duration.ofSeconds(1); } }");
        assertThat(a.references()).contains("java/util/List", "java/io/File", "java/time/Duration");
    }
}

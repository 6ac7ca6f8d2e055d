package dev.hotswap.classfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationTextTest {
    private static byte[] compile(String body) {
        return Compiler.compile(Map.of("p.A", """
                package p;
                import java.lang.annotation.*;
                @Retention(RetentionPolicy.RUNTIME) @interface Path { String value(); String[] also() default {}; }
                public class A {
                %s
                }
                """.formatted(body))).get("p/A");
    }

    @Test
    void aBodyEditLeavesTheTextAsItWas() {
        assertThat(AnnotationText.of(compile("@Path(\"/a\") int m() { return 1; }")))
                .isEqualTo(AnnotationText.of(compile("@Path(\"/a\") int m() { return 2; }")));
    }

    @Test
    void aValueAddedElementOrMovedAnnotationChangesIt() {
        String base = AnnotationText.of(compile("@Path(\"/a\") int m(int x) { return 1; }"));
        assertThat(AnnotationText.of(compile("@Path(\"/b\") int m(int x) { return 1; }"))).isNotEqualTo(base);
        assertThat(AnnotationText.of(compile("@Path(value = \"/a\", also = {\"x\"}) int m(int x) { return 1; }")))
                .isNotEqualTo(base);
        assertThat(AnnotationText.of(compile("int m(@Path(\"/a\") int x) { return 1; }"))).isNotEqualTo(base);
        assertThat(AnnotationText.of(compile("@Path(\"/a\") int f; int m(int x) { return 1; }"))).isNotEqualTo(base);
        assertThat(base).contains("method m(I)I @Lp/Path; value=/a;");
    }
}

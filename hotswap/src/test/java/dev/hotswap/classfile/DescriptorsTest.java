package dev.hotswap.classfile;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JVM's grammar for names and descriptors, as {@link ClassModel#parse} checks it. */
class DescriptorsTest {
    @ParameterizedTest
    @ValueSource(strings = {"()V", "(I)I", "([[Ljava/lang/String;J)Ljava/util/List;", "(Lp/A$B;)[I", "(ZBCSIJFD)D"})
    void wellFormedMethodDescriptors(String descriptor) {
        assertThatCode(() -> Descriptors.method(descriptor, "", "")).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"(K)I", "()", "(I", "I", "(L;)V", "(Ljava/lang/String)V", "()VV", "(Ljava.lang.String;)V",
        "(V)V", "()[V", "(L/a;)V"})
    void malformedMethodDescriptors(String descriptor) {
        assertThatThrownBy(() -> Descriptors.method(descriptor, "in ", "m")).isInstanceOf(Descriptors.Malformed.class)
                .hasMessageContaining(descriptor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"I", "[J", "Ljava/lang/Object;", "[[Lp/Q;"})
    void wellFormedFieldDescriptors(String descriptor) {
        assertThatCode(() -> Descriptors.field(descriptor, "", "")).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"V", "", "L", "Lp/Q", "[", "II", "Lp/Q;I"})
    void malformedFieldDescriptors(String descriptor) {
        assertThatThrownBy(() -> Descriptors.field(descriptor, "", "")).isInstanceOf(Descriptors.Malformed.class);
    }

    @Test
    void namesAndClassNames() {
        assertThatCode(() -> Descriptors.name("<init>", true, "", "")).doesNotThrowAnyException();
        assertThatCode(() -> Descriptors.name("lambda$run$0", true, "", "")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Descriptors.name("<weird>", true, "", "")).isInstanceOf(Descriptors.Malformed.class);
        assertThatThrownBy(() -> Descriptors.name("a.b", false, "", "")).isInstanceOf(Descriptors.Malformed.class);
        assertThatCode(() -> Descriptors.className("[Ljava/lang/String;", "", "")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Descriptors.className("java/lang/", "", "")).isInstanceOf(Descriptors.Malformed.class);
        assertThatThrownBy(() -> Descriptors.className("java.lang.String", "", "")).isInstanceOf(Descriptors.Malformed.class);
        assertThatThrownBy(() -> Descriptors.className("java//lang", "", "")).isInstanceOf(Descriptors.Malformed.class);
        assertThatThrownBy(() -> Descriptors.className("java/lang.String", "in ", "m")).hasMessageEndingWith("in m");
    }
}

package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.Compiler;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a redefinition in place of a version may take: the same shape, and lambdas under the names they had. */
class InPlaceTest {
    private static byte[] bytes(String body) {
        return Compiler.compile(Map.of("app.Work", "package app; import java.util.function.*;\n"
                + "public class Work {\n" + body + "\n}")).get("app/Work");
    }

    private static ClassModel model(String body) throws Exception {
        return ClassModel.parse(bytes(body));
    }

    private static final String TWO = """
            Supplier<String> make() {
                Supplier<String> a = () -> "A1";
                Supplier<String> b = () -> "B1";
                return () -> a.get() + b.get();
            }
            """;

    @Test
    void anEditedLambdaKeepsItsName() throws Exception {
        assertThat(LambdaEntries.keepsNames(model(TWO), model(TWO.replace("A1", "A3")))).isTrue();
        assertThat(LambdaEntries.keepsNames(model(TWO), model(TWO))).isTrue();
    }

    @Test
    void reorderedLambdasDoNot() throws Exception {
        String swapped = TWO.replace("Supplier<String> a = () -> \"A1\";", "#")
                .replace("Supplier<String> b = () -> \"B1\";", "Supplier<String> b = () -> \"B1\"; Supplier<String> a = () -> \"A1\";")
                .replace("#", "");
        assertThat(LambdaEntries.keepsNames(model(TWO), model(swapped))).isFalse();
    }

    @Test
    void aRemovedLambdaDoesNot() throws Exception {
        assertThat(LambdaEntries.keepsNames(model(TWO), model(TWO.replace("() -> \"B1\"", "String::new")))).isFalse();
    }

    @Test
    void theShapeIgnoresBodiesAndMethodOrderButNotMembers() {
        String methods = "int one() { return 1; } int two() { return 2; }";
        assertThat(Versions.shape(bytes(methods))).isEqualTo(Versions.shape(bytes(methods.replace("return 2", "return 5"))));
        assertThat(Versions.shape(bytes(methods)))
                .isEqualTo(Versions.shape(bytes("int two() { return 2; } int one() { return 1; }")));
        assertThat(Versions.shape(bytes(methods))).isNotEqualTo(Versions.shape(bytes(methods + " int three() { return 3; }")));
        assertThat(Versions.shape(bytes(methods))).isNotEqualTo(Versions.shape(bytes(methods.replace("int one", "static int one"))));
        assertThat(Versions.shape(bytes("int a; int b;"))).isNotEqualTo(Versions.shape(bytes("int b; int a;")));
    }
}

package dev.hotswap.classfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ClassModel#sameFace}: code alone may differ; anything reflection shows may not. */
class FaceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a body                          | int v() { return 1; }                          | int v() { return 2; }                                | true
            a constant and a lambda's body  | Runnable r() { return () -> System.out.print(1); } | Runnable r() { return () -> System.out.print(\"x\"); } | true
            an annotation added             | void m() { }                                   | @Deprecated void m() { }                             | false
            an annotation's value           | @Deprecated(since = \"1\") void m() { }        | @Deprecated(since = \"2\") void m() { }            | false
            an array value's element        | @java.beans.ConstructorProperties({\"a\", \"b\"}) C(int a, int b) { } | @java.beans.ConstructorProperties({\"a\", \"c\"}) C(int a, int b) { } | false
            a parameter's annotation        | void m(String s) { }                           | void m(@Deprecated String s) { }                     | false
            a generic signature             | java.util.List<String> l() { return null; }    | java.util.List<Integer> l() { return null; }         | false
            a field's generic signature     | java.util.List<String> f;                      | java.util.List<Object> f;                            | false
            a thrown exception              | void m() throws java.io.IOException { }        | void m() throws Exception { }                        | false
            a constant's value              | static final int K = 1;                        | static final int K = 2;                              | false
            a member class added            | void m() { }                                   | void m() { } static class N { }                      | false
            a method added                  | void m() { }                                   | void m() { } void n() { }                            | false
            """)
    void codeAloneKeepsTheFace(String what, String before, String after, boolean same) {
        ClassModel a = model(before);
        ClassModel b = model(after);
        assertThat(a.sameFace(b)).as(what).isEqualTo(same);
        assertThat(b.sameFace(a)).as(what).isEqualTo(same);
        assertThat(a.sameFace(model(before))).as("the same source twice").isTrue();
    }

    private static ClassModel model(String members) {
        try {
            return ClassModel.parse(Compiler.compile(Map.of("p.C", "package p; class C { " + members + " }")).get("p/C"));
        } catch (InvalidClassFileException e) {
            throw new AssertionError(e);
        }
    }
}

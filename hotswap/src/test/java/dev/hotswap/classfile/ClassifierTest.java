package dev.hotswap.classfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotswap.classfile.Change.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClassifierTest {

    /**
     * One fixture per kind of change: the class {@code p.C} before and after, and what the
     * classifier must say (kinds, and a phrase of the description).
     */
    enum Fixture {
        BODY_ONLY("int value() { return 1; }", "int value() { return 2; }", List.of(), ""),
        CONSTANT_ONLY("String s() { return \"a\"; }", "String s() { return \"b\" + 1; }", List.of(), ""),
        ANNOTATION_ADDED("void m() { }", "@Deprecated void m() { }", List.of(), ""),
        LAMBDA_BODY("Runnable r() { return () -> System.out.println(1); }",
                "Runnable r() { return () -> System.out.println(2); }", List.of(), ""),
        METHOD_ADDED("void a() { }", "void a() { b(); } void b() { }", List.of(Kind.METHOD_ADDED), "method b() added"),
        METHOD_REMOVED("void a() { b(); } void b() { }", "void a() { }", List.of(Kind.METHOD_REMOVED),
                "method b() removed"),
        PARAMETERS_CHANGED("void test(int x) { }", "void test(long x) { }", List.of(Kind.METHOD_SIGNATURE_CHANGED),
                "method test(int) now takes (long)"),
        RETURN_TYPE_CHANGED("int size() { return 0; }", "long size() { return 0; }",
                List.of(Kind.METHOD_SIGNATURE_CHANGED), "method size() now returns long instead of int"),
        OVERLOAD_ADDED("void m(int x) { }", "void m(int x) { } void m(String s) { }", List.of(Kind.METHOD_ADDED),
                "method m(String) added"),
        SYNCHRONIZED_ADDED("void m() { }", "synchronized void m() { }", List.of(Kind.METHOD_MODIFIERS_CHANGED),
                "method m() modifiers changed from 'package-private' to 'synchronized'"),
        VISIBILITY_CHANGED("private void m() { }", "public void m() { }", List.of(Kind.METHOD_MODIFIERS_CHANGED),
                "from 'private' to 'public'"),
        STATIC_TO_INSTANCE("private static int h() { return 1; }", "private int h() { return 1; }",
                List.of(Kind.METHOD_MODIFIERS_CHANGED), "from 'private static' to 'private'"),
        LAMBDAS_REORDERED("void m() { Runnable a = () -> System.out.println(\"a\"); Runnable b = () -> System.out.println(\"b\"); }",
                "void m() { Runnable b = () -> System.out.println(\"b\"); Runnable a = () -> System.out.println(\"a\"); }",
                List.of(Kind.LAMBDAS_RENUMBERED, Kind.LAMBDAS_RENUMBERED),
                "lambdas in method m() were renumbered by javac (the body of lambda$m$"),
        LAMBDA_ADDED("void m() { }", "void m() { Runnable r = () -> { }; r.run(); }", List.of(Kind.LAMBDA_ADDED),
                "a lambda was added in method m()"),
        CONSTRUCTOR_ADDED("", "C() { } C(int x) { }", List.of(Kind.METHOD_ADDED), "constructor (int) added"),
        CONSTRUCTOR_CHANGED("C(int x) { }", "C(long x) { }", List.of(Kind.METHOD_SIGNATURE_CHANGED),
                "constructor (int) now takes (long)"),
        STATIC_INITIALIZER_ADDED("static int x;", "static int x; static { x = 5; }", List.of(Kind.METHOD_ADDED),
                "static initializer added"),
        FIELD_ADDED("int a;", "int a; String b;", List.of(Kind.FIELD_ADDED), "field String b added"),
        FIELD_REMOVED("int a; int b;", "int a;", List.of(Kind.FIELD_REMOVED), "field int b removed"),
        FIELD_TYPE_CHANGED("int a;", "long a;", List.of(Kind.FIELD_TYPE_CHANGED), "field a changed type from int to long"),
        FIELD_MODIFIERS_CHANGED("int a;", "volatile int a;", List.of(Kind.FIELD_MODIFIERS_CHANGED),
                "field a modifiers changed from 'package-private' to 'volatile'"),
        FIELDS_REORDERED("int a; int b;", "int b; int a;", List.of(Kind.FIELDS_REORDERED), "fields reordered"),
        NESTED_CLASS_ADDED("", "static class N { }", List.of(Kind.NEST_MEMBERS_CHANGED), "nested class p.C$N added"),
        NESTED_CLASS_REMOVED("static class N { }", "", List.of(Kind.NEST_MEMBERS_CHANGED), "nested class p.C$N removed");

        final String before;
        final String after;
        final List<Kind> kinds;
        final String phrase;

        Fixture(String before, String after, List<Kind> kinds, String phrase) {
            this.before = before;
            this.after = after;
            this.kinds = kinds;
            this.phrase = phrase;
        }
    }

    private static ClassModel model(String header, String body) throws InvalidClassFileException {
        return ClassModel.parse(Compiler.compile(Map.of("p.C", "package p; " + header + " { " + body + " }")).get("p/C"));
    }

    private static List<Change> diff(String beforeHeader, String before, String afterHeader, String after)
            throws InvalidClassFileException {
        return Classifier.diff(model(beforeHeader, before), model(afterHeader, after));
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void classifiesEachKindOfChange(Fixture fixture) throws Exception {
        List<Change> changes = diff("class C", fixture.before, "class C", fixture.after);
        assertThat(changes).extracting(Change::kind).containsExactlyElementsOf(fixture.kinds);
        if (!fixture.phrase.isEmpty()) {
            assertThat(changes.get(0).description()).contains(fixture.phrase);
        }
    }

    @Test
    void signatureChangeNamesTheMember() throws Exception {
        Change change = diff("class C", "void test(int x) { }", "class C", "void test(long x) { }").get(0);
        assertThat(change.member()).isEqualTo("test(int)");
        assertThat(change.description()).isEqualTo("method test(int) now takes (long)");
    }

    @Test
    void superclassChanged() throws Exception {
        assertThat(diff("class C", "", "class C extends Thread", ""))
                .extracting(Change::kind).contains(Kind.SUPERCLASS_CHANGED);
    }

    @Test
    void interfacesChanged() throws Exception {
        List<Change> changes = diff("abstract class C", "", "abstract class C implements Runnable", "");
        assertThat(changes).extracting(Change::kind).containsExactly(Kind.INTERFACES_CHANGED);
        assertThat(changes.get(0).description()).contains("from [] to [java.lang.Runnable]");
    }

    @Test
    void classModifiersChanged() throws Exception {
        assertThat(diff("class C", "", "final class C", ""))
                .extracting(Change::kind).containsExactly(Kind.CLASS_MODIFIERS_CHANGED);
    }

    @Test
    void enumConstantAddedAndRemoved() throws Exception {
        assertThat(diff("enum C", "A, B;", "enum C", "A, B, D;")).extracting(Change::kind)
                .contains(Kind.ENUM_CONSTANT_ADDED);
        assertThat(diff("enum C", "A, B;", "enum C", "A;")).extracting(Change::description)
                .contains("enum constant B removed");
    }

    @Test
    void recordComponentAdded() throws Exception {
        List<Change> changes = diff("record C(int a)", "", "record C(int a, int b)", "");
        assertThat(changes).extracting(Change::kind).contains(Kind.RECORD_COMPONENTS_CHANGED, Kind.FIELD_ADDED);
        assertThat(changes).extracting(Change::description)
                .contains("record components changed from (int a) to (int a, int b)");
    }

    @Test
    void permittedSubclassesChanged() throws Exception {
        Map<String, byte[]> v1 = Compiler.compile(Map.of(
                "p.S", "package p; public sealed interface S permits A { }",
                "p.A", "package p; public final class A implements S { }"));
        Map<String, byte[]> v2 = Compiler.compile(Map.of(
                "p.S", "package p; public sealed interface S permits A, B { }",
                "p.A", "package p; public final class A implements S { }",
                "p.B", "package p; public final class B implements S { }"));
        List<Change> changes = Classifier.diff(ClassModel.parse(v1.get("p/S")), ClassModel.parse(v2.get("p/S")));
        assertThat(changes).extracting(Change::description).containsExactly("permitted subclass p.B added");
    }

    @Test
    void nestHostChanged() throws Exception {
        Map<String, byte[]> v1 = Compiler.compile(Map.of("p.C", "package p; class C { static class N { } }"));
        Map<String, byte[]> v2 = Compiler.compile(Map.of("p.C", "package p; class C { }", "p.C$N",
                "package p; class C$N { }"));
        List<Change> changes = Classifier.diff(ClassModel.parse(v1.get("p/C$N")), ClassModel.parse(v2.get("p/C$N")));
        assertThat(changes).extracting(Change::kind).contains(Kind.NEST_HOST_CHANGED);
    }

    @Test
    void onReloadMethodsAreFound() throws Exception {
        Map<String, byte[]> classes = Compiler.compile(Map.of(
                "dev.hotswap.OnReload", "package dev.hotswap; @java.lang.annotation.Retention("
                        + "java.lang.annotation.RetentionPolicy.RUNTIME) public @interface OnReload { }",
                "p.C", "package p; class C { @dev.hotswap.OnReload static void refresh() { } void other() { } }"));
        assertThat(ClassModel.parse(classes.get("p/C")).onReloadMethods())
                .extracting(ClassModel.Member::name).containsExactly("refresh");
    }

    @Test
    void truncatedGarbageAndEmptyFilesAreInvalid() throws Exception {
        byte[] valid = Compiler.compile(Map.of("p.C", "package p; class C { int f() { return 42; } }")).get("p/C");
        for (int length : new int[] {0, 3, 10, valid.length / 2, valid.length - 1}) {
            byte[] cut = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> ClassModel.parse(cut)).as("cut at %d", length)
                    .isInstanceOf(InvalidClassFileException.class);
        }
        byte[] garbage = new byte[64];
        new java.util.Random(7).nextBytes(garbage);
        assertThatThrownBy(() -> ClassModel.parse(garbage)).hasMessageContaining("0xCAFEBABE");
        assertThat(ClassModel.parse(valid).name()).isEqualTo("p/C");
    }
}

package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.Compiler;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

class StaticSlicesTest {
    private static byte[] compile(String body) {
        return Compiler.compile(Map.of("app.Rules", "package app; import java.util.*; import java.util.regex.*;\n"
                + "public class Rules {\n" + body + "\n}")).get("app/Rules");
    }

    private static final String RULES = """
            static final Pattern P = Pattern.compile("a+");
            static final Map<String, Integer> LIMITS = Map.of("x", 1);
            static int counter;
            static final Object TOKEN = new Object();
            static String show() { return P.pattern(); }
            """;

    @Test
    void onlyTheStaticWhoseInitializerChangedIsSaidChanged() {
        byte[] before = compile(RULES);
        assertThat(StaticSlices.changed(before, compile(RULES.replace("\"a+\"", "\"b+\""))))
                .containsExactly("P:Ljava/util/regex/Pattern;");
        assertThat(StaticSlices.changed(before, compile(RULES.replace("\"x\", 1", "\"x\", 2"))))
                .containsExactly("LIMITS:Ljava/util/Map;");
    }

    @Test
    void methodsAndLinesDoNotCount() {
        byte[] before = compile(RULES);
        String moved = "\n\n" + RULES.replace("static String show() { return P.pattern(); }",
                "static String show() { return P.pattern() + LIMITS; } static int added() { return 1; }");
        assertThat(StaticSlices.changed(before, compile(moved))).isEmpty();
    }

    @Test
    void anAddedLocalEarlierDoesNotChangeLaterSlices() {
        String blocks = "static final String A; static final String B;"
                + " static { String a = \"x\"; A = a; } static { String b = \"y\"; B = b; }";
        assertThat(StaticSlices.changed(compile(blocks), compile(blocks.replace("\"x\"", "\"z\""))))
                .containsExactly("A:Ljava/lang/String;");
    }

    @Test
    void storesInsideOneBranchingBlockChangeTogether() {
        String block = "static final int A; static final int B; static final int C = 3;"
                + " static { if (Boolean.getBoolean(\"q\")) { A = 1; B = 2; } else { A = 0; B = 0; } }";
        assertThat(StaticSlices.changed(compile(block), compile(block.replace("B = 2", "B = 5"))))
                .containsExactlyInAnyOrder("A:I", "B:I");
    }

    @Test
    void aChangedTailChangesTheStaticsItReads() {
        String list = "static final List<String> L = new ArrayList<>(); static final int N = 1;"
                + " static { L.add(\"a\"); }";
        assertThat(StaticSlices.changed(compile(list), compile(list.replace("\"a\"", "\"b\""))))
                .containsExactly("L:Ljava/util/List;");
        assertThat(StaticSlices.changed(compile(list), compile(list.replace(" static { L.add(\"a\"); }", ""))))
                .containsExactly("L:Ljava/util/List;");
    }

    @Test
    void constantValuesAndRemovedInitializersCount() {
        assertThat(StaticSlices.changed(compile("static final int X = 5;"), compile("static final int X = 6;")))
                .containsExactly("X:I");
        assertThat(StaticSlices.changed(compile("static String S = \"s\";"), compile("static String S;")))
                .containsExactly("S:Ljava/lang/String;");
    }

    @Test
    void enumConstantsKeepTheirIdentity() {
        Map<String, String> before = Map.of("app.E", "package app; enum E { A(1), B(2); final int n; E(int n) { this.n = n; }"
                + " static final String NAME = \"e\"; }");
        Map<String, String> after = Map.of("app.E", before.get("app.E").replace("B(2)", "B(3)").replace("\"e\"", "\"f\""));
        assertThat(StaticSlices.changed(Compiler.compile(before).get("app/E"), Compiler.compile(after).get("app/E")))
                .containsExactly("NAME:Ljava/lang/String;");
    }

    @Test
    void staticsComputedFromAReinitializedOneFollowIt() {
        byte[] next = compile("static final List<String> L = new ArrayList<>(); static final int N = L.size();"
                + " static final int M = 4;");
        assertThat(StaticSlices.closure(next, Set.of("L:Ljava/util/List;")))
                .containsExactlyInAnyOrder("L:Ljava/util/List;", "N:I");
    }

    @Test
    void theCodeRunAgainSetsOnlyTheChosenStatics() throws Exception {
        String body = "static String A; static int B; static List<String> L = new ArrayList<>(); static long C;"
                + " static { String x = \"a\" + System.nanoTime(); A = x.substring(0, 1); }"
                + " static { if (Boolean.getBoolean(\"nope\")) { B = 1; } else { B = 2; } }"
                + " static { for (int i = 0; i < 3; i++) { L.add(\"i\" + i); } }"
                + " static { try { C = Long.parseLong(\"9\"); } catch (NumberFormatException e) { C = 1; } }";
        byte[] bytes = compile(body);
        // The loop that fills L is C's code (up to C's store): it runs again, and sets C, when L does.
        Set<String> fields = StaticSlices.closure(bytes, Set.of("B:I", "L:Ljava/util/List;"));
        assertThat(fields).containsExactlyInAnyOrder("B:I", "L:Ljava/util/List;", "C:J");
        assertThat(rerun(bytes, fields)).containsExactly(null, 2, java.util.List.of("i0", "i1", "i2"), 9L);
        assertThat(rerun(bytes, Set.of("A:Ljava/lang/String;"))).containsExactly("a", 0, null, 0L);
    }

    /** The class with its static initializer cut to the code that sets {@code fields}, loaded fresh: A, B, L, C. */
    private static Object[] rerun(byte[] bytes, Set<String> fields) throws Exception {
        MethodNode code = StaticSlices.code(bytes, fields);
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        node.methods.removeIf(m -> m.name.equals("<clinit>"));
        node.methods.add(code);
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        byte[] cut = writer.toByteArray();
        Class<?> type = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) {
                return defineClass(name, cut, 0, cut.length);
            }
        }.loadClass("app.Rules");
        Object[] values = new Object[4];
        String[] names = {"A", "B", "L", "C"};
        for (int i = 0; i < names.length; i++) {
            Field f = type.getDeclaredField(names[i]);
            f.setAccessible(true);
            values[i] = f.get(null);
        }
        return values;
    }
}

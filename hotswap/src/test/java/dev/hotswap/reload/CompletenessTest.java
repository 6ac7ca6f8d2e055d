package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.Compiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A compile's class files, written one by one into a watched folder: when are they all there? */
class CompletenessTest {
    @TempDir
    Path root;
    Completeness completeness;
    ParsedFiles parsed;

    private static final String A1 = "package app; public class A { public static int m() { return 1; } }";
    private static final String A2 = "package app; public class A { public static int m() { return 1; } public static int m2() { return 2; } }";
    private static final String B1 = "package app; public class B extends Base { int run() { return A.m() + base(); } }";
    private static final String BASE = "package app; public class Base { int base() { return 0; } }";

    @BeforeEach
    void loaded() throws Exception {
        write(Compiler.compile(Map.of("app.A", A1, "app.B", B1, "app.Base", BASE)));
        parsed = new ParsedFiles();
        completeness = new Completeness(new Roots(List.of(root)), parsed);
    }

    private Path write(Map<String, byte[]> classes) throws Exception {
        Path last = null;
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            last = root.resolve(e.getKey() + ".class");
            Files.createDirectories(last.getParent());
            Files.write(last, e.getValue());
        }
        return last;
    }

    private Path file(String name) {
        return root.resolve("app/" + name + ".class");
    }

    @Test
    void aBodyChangeAloneIsComplete() throws Exception {
        write(Map.of("app/B", Compiler.compile(Map.of("app.A", A1, "app.B", B1.replace("+ base()", "- base()"),
                "app.Base", BASE)).get("app/B")));
        assertThat(completeness.isComplete(Set.of(file("B")))).isTrue();
    }

    @Test
    void aCallerOfAMethodNotWrittenYetWaitsForIt() throws Exception {
        Map<String, byte[]> v2 = Compiler.compile(Map.of("app.A", A2, "app.B", B1.replace("A.m()", "A.m2()"), "app.Base", BASE));
        write(Map.of("app/B", v2.get("app/B")));
        assertThat(completeness.isComplete(Set.of(file("B")))).isFalse();
        write(Map.of("app/A", v2.get("app/A")));
        assertThat(completeness.isComplete(Set.of(file("B"), file("A")))).isTrue();
    }

    @Test
    void aNewClassNamedByTheCodeMustBeThereAndInheritedMembersAreFound() throws Exception {
        Map<String, byte[]> v2 = Compiler.compile(Map.of("app.A", A1, "app.Base", BASE,
                "app.B", "package app; public class B extends Base { Object run() { return new C().base(); } }",
                "app.C", "package app; public class C extends Base { }"));
        write(Map.of("app/B", v2.get("app/B")));
        assertThat(completeness.isComplete(Set.of(file("B")))).isFalse();
        write(Map.of("app/C", v2.get("app/C")));
        assertThat(completeness.isComplete(Set.of(file("B"), file("C")))).isTrue(); // C.base() is Base's
    }

    @Test
    void aHalfWrittenFileIsNotCompleteAndTheJdkIsTakenAsThere() throws Exception {
        byte[] b = Files.readAllBytes(file("B"));
        Files.write(file("B"), Arrays.copyOf(b, b.length / 2));
        assertThat(completeness.isComplete(Set.of(file("B")))).isFalse();
        Files.write(file("B"), b);
        assertThat(completeness.isComplete(Set.of(file("B")))).isTrue();
        write(Compiler.compile(Map.of("app.J", "package app; public class J { Object t() { return java.time.Duration.ofSeconds(1)"
                + ".plusMillis(2).toString().strip(); } }")));
        assertThat(completeness.isComplete(Set.of(file("J")))).isTrue();
        assertThat(completeness.isComplete(Set.of(root.resolve("app.properties"), file("Gone")))).isTrue();
    }

    @Test
    void theCheckHandsItsParseToTheReaderForTheSameBytesOnly() throws Exception {
        byte[] b2 = Compiler.compile(Map.of("app.A", A1, "app.B", B1.replace("+ base()", "- base()"), "app.Base", BASE)).get("app/B");
        write(Map.of("app/B", b2));
        assertThat(completeness.isComplete(Set.of(file("B")))).isTrue();
        assertThat(parsed.size()).isEqualTo(1); // the pending file, not the folder's files it looked up
        assertThat(parsed.take(file("B"), b2)).hasValueSatisfying(m -> assertThat(m.name()).isEqualTo("app/B"));
        assertThat(parsed.size()).isZero();

        // Written again since the check (same size, maybe the same time stamp): the reader parses what it read.
        completeness.prepare(Set.of(file("B")));
        byte[] other = b2.clone();
        other[other.length - 1] ^= 1;
        assertThat(parsed.take(file("B"), other)).isEmpty();
        assertThat(parsed.size()).isZero();
    }

    @Test
    void theReaderTakesWhatTheCheckParsed() throws Exception {
        byte[] b2 = Compiler.compile(Map.of("app.A", A1, "app.B", B1.replace("+ base()", "- base()"), "app.Base", BASE)).get("app/B");
        write(Map.of("app/B", b2));
        completeness.prepare(Set.of(file("B"), root.resolve("app/Gone.class"), root.resolve("app.properties")));
        assertThat(parsed.size()).isEqualTo(1);
        BatchReader reader = new BatchReader(new Roots(List.of(root)), java.time.Duration.ofSeconds(1), parsed);
        BatchReader.Read read = reader.read(Set.of(file("B"), root.resolve("app/module-info.class")));
        assertThat(read).isInstanceOf(BatchReader.Read.Ready.class);
        assertThat(((BatchReader.Read.Ready) read).candidates()).singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo("app.B"));
        assertThat(parsed.size()).isZero();
    }
}

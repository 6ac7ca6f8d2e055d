package dev.hotswap.classfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a constructor does with its parameters: stores them in fields, or more. */
class ConstructorCodeTest {
    private static byte[] compile(String body) {
        return Compiler.compile(Map.of("p.Service", "package p;\npublic class Service {\n" + body + "\n}")).get("p/Service");
    }

    @Test
    void aConstructorThatStoresItsParametersOnlyAssigns() {
        byte[] bytes = compile("""
                private final String repo; private final long clock; private int hits = 7; private int untouched;
                public Service(String repo, long clock) { super(); this.repo = repo; this.clock = clock; }
                """);
        ConstructorCode code = ConstructorCode.read(bytes, "(Ljava/lang/String;J)V").orElseThrow();
        assertThat(code.onlyAssigns()).isTrue();
        assertThat(code.fieldOfParameter()).isEqualTo(Map.of(0, "repo", 1, "clock"));
        assertThat(code.written()).containsExactlyInAnyOrder("repo", "clock", "hits");
    }

    @Test
    void aConstructorThatUsesAParameterOtherwiseDoesMore() {
        assertThat(ConstructorCode.read(compile("""
                private final String repo;
                public Service(String repo) { this.repo = repo.trim(); }
                """), "(Ljava/lang/String;)V").orElseThrow().onlyAssigns()).isFalse();
        assertThat(ConstructorCode.read(compile("""
                private final String repo; private final String copy;
                public Service(String repo) { this.repo = repo; this.copy = repo; }
                """), "(Ljava/lang/String;)V").orElseThrow().onlyAssigns()).as("stored twice").isFalse();
        assertThat(ConstructorCode.read(compile("""
                private String repo;
                public Service(String repo) { this(); this.repo = repo; }
                public Service() { }
                """), "(Ljava/lang/String;)V").orElseThrow().onlyAssigns()).as("this(...)").isFalse();
        assertThat(ConstructorCode.read(compile("""
                private String repo;
                public Service(String repo, int unused) { this.repo = repo; }
                """), "(Ljava/lang/String;I)V").orElseThrow().onlyAssigns()).as("a parameter not stored").isFalse();
        assertThat(ConstructorCode.read(compile("""
                public Service(String repo) { }
                """), "(I)V")).as("no such constructor").isEmpty();
    }
}

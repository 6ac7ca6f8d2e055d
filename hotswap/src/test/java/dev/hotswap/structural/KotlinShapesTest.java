package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotswap.classfile.Compiler;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What Kotlin's compiler writes that javac does not, as the engine reads and runs it. */
class KotlinShapesTest {
    @Test
    void aWhenMappingsClassMapsTheEnumsItsInitializerReads() {
        // The shape of Kotlin's demo/PriorityKt$WhenMappings: a numbered table, filled through a local.
        byte[] holder = Compiler.compile(Map.of("demo.Priority", "package demo; public enum Priority { LOW, HIGH }",
                "demo.Other", "package demo; public enum Other { A }",
                "demo.PriorityKt$WhenMappings", """
                        package demo;
                        public final class PriorityKt$WhenMappings {
                            public static final int[] $EnumSwitchMapping$0;
                            static {
                                int[] table = new int[Priority.values().length];
                                try { table[Priority.HIGH.ordinal()] = 1; } catch (NoSuchFieldError e) { }
                                $EnumSwitchMapping$0 = table;
                            }
                        }
                        """)).get("demo/PriorityKt$WhenMappings");
        assertThat(Enums.mapsAny(holder, Set.of("demo/Priority"))).isTrue();
        assertThat(Enums.mapsAny(holder, Set.of("demo/Other"))).isFalse();
    }

    private static Object protectedClone(Object receiver) {
        throw new ClassCastException("narrowed: " + receiver);
    }

    @Test
    void objectCloneThroughObjectClonesAnArrayAndLeavesTheRestToTheProtectedCall() throws Throwable {
        MethodHandle narrowed = MethodHandles.lookup().findStatic(KotlinShapesTest.class, "protectedClone",
                MethodType.methodType(Object.class, Object.class));
        MethodHandle clone = CallSites.orArrayClone(narrowed);
        String[] values = {"LOW", "HIGH"};
        Object copy = clone.invoke((Object) values);
        assertThat(copy).isInstanceOf(String[].class).isNotSameAs(values).isEqualTo(values);
        assertThat((int[]) clone.invoke((Object) new int[] {1, 2})).containsExactly(1, 2);
        assertThatThrownBy(() -> clone.invoke((Object) "text")).hasMessage("narrowed: text");
        assertThatThrownBy(() -> clone.invoke((Object) null)).hasMessage("narrowed: null");
    }

    @Test
    void kotlinsLambdaBodiesAreLambdaBodiesWrittenInTheirHost() {
        assertThat(LambdaEntries.isBody("fmt$lambda$0")).isTrue();
        assertThat(LambdaEntries.isBody("lambda$run$3")).isTrue();
        assertThat(LambdaEntries.isBody("access$getStyle$cp")).isFalse();
        assertThat(LambdaEntries.enclosing("priorityLine$lambda$0")).isEqualTo("priorityLine");
        assertThat(LambdaEntries.enclosing("main$lambda$1$lambda$0")).isEqualTo("main$lambda$1");
        assertThat(LambdaEntries.enclosing("lambda$run$3")).isEqualTo("run");
    }
}

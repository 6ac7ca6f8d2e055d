package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** When a record's {@code toString}/{@code equals}/{@code hashCode} call must be bootstrapped by the engine. */
class RecordMethodsTest {
    private static CodeRewriter.Loaded loadedWith(Set<String> fields) {
        return new CodeRewriter.Loaded() {
            @Override
            public boolean isPublicInterface(String internalName) {
                return false;
            }

            @Override
            public boolean isReloadable(String owner) {
                return true;
            }

            @Override
            public boolean has(String owner, String name, String descriptor, boolean isStatic) {
                return true;
            }

            @Override
            public boolean hasField(String owner, String name, String descriptor, boolean isStatic) {
                return fields.contains(name + ":" + descriptor);
            }
        };
    }

    private static Handle getter(String name, String descriptor) {
        return new Handle(Opcodes.H_GETFIELD, "app/Point", name, descriptor, false);
    }

    private static final Object[] ARGUMENTS = {Type.getObjectType("app/Point"), "x;label",
            getter("x", "I"), getter("label", "Ljava/lang/String;")};

    @Test
    void everyGetterResolvingAsWrittenStaysWithTheJdk() {
        assertThat(RecordMethods.throughEngine(loadedWith(Set.of("x:I", "label:Ljava/lang/String;")), RecordMethods.JDK,
                ARGUMENTS)).isNull();
    }

    @Test
    void anAddedOrRetypedComponentGoesThroughTheEngineWithNamesAndDescriptors() {
        assertThat(RecordMethods.throughEngine(loadedWith(Set.of("x:J", "label:Ljava/lang/String;")), RecordMethods.JDK,
                ARGUMENTS)).containsExactly(Type.getObjectType("app/Point"), "x;label", "x;label", "ILjava/lang/String;");
    }

    @Test
    void otherBootstrapsAreLeftAlone() {
        Handle other = new Handle(Opcodes.H_INVOKESTATIC, "app/Boot", "bootstrap", RecordMethods.JDK.getDesc(), false);
        assertThat(RecordMethods.throughEngine(loadedWith(Set.of()), other, ARGUMENTS)).isNull();
    }
}

package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CatchersTest {
    private static final Map<String, String> SOURCES = Map.of(
            "p.Plain", "package p; public class Plain { public int x = 3; }",
            "p.Own", "package p; public class Own { public String toString() { return \"own\"; } }",
            "p.Sub", "package p; public class Sub extends Own { }",
            "p.Color", "package p; public enum Color { RED, GREEN }",
            "p.Shape", "package p; public interface Shape { int area(); }",
            "p.Frozen", "package p; public class Frozen { public final int hashCode() { return 1; } }",
            "p.Below", "package p; public class Below extends Frozen { }");

    private final Map<String, byte[]> compiled = dev.hotswap.classfile.CompilerAccess.compile(SOURCES);
    private final Catchers catchers = new Catchers();

    private Optional<byte[]> file(String internalName) {
        byte[] own = compiled.get(internalName);
        if (own != null) {
            return Optional.of(own);
        }
        return Catchers.ClassFiles.of(ClassLoader.getSystemClassLoader()).apply(internalName);
    }

    private Map<String, byte[]> planted() {
        Map<String, byte[]> result = new TreeMap<>();
        compiled.forEach((name, bytes) -> {
            byte[] out = catchers.plant(bytes, this::file);
            result.put(name.replace('/', '.'), out == null ? bytes : out);
        });
        return result;
    }

    private static String catchersOf(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods()).filter(Method::isSynthetic).map(Method::getName)
                .filter(n -> n.equals("toString") || n.equals("hashCode") || n.equals("equals")).sorted().toList()
                .toString();
    }

    @Test
    void plantedMethodsBehaveAsTheInheritedOnes() throws Exception {
        ClassLoader loader = new ClassLoader(null) {
            private final Map<String, byte[]> classes = planted();

            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        Class<?> plain = loader.loadClass("p.Plain");
        assertThat(catchersOf(plain)).isEqualTo("[equals, hashCode, toString]");
        Object a = plain.getConstructor().newInstance();
        Object b = plain.getConstructor().newInstance();
        assertThat(a.toString()).startsWith("p.Plain@").endsWith(Integer.toHexString(System.identityHashCode(a)));
        assertThat(a.hashCode()).isEqualTo(System.identityHashCode(a));
        assertThat(a.equals(a)).isTrue();
        assertThat(a.equals(b)).isFalse();
        Method planted = plain.getDeclaredMethod("toString");
        assertThat(Modifier.isPublic(planted.getModifiers())).isTrue();
        // A class's own method stays; a subclass gets a catcher that reaches it.
        Class<?> sub = loader.loadClass("p.Sub");
        assertThat(catchersOf(loader.loadClass("p.Own"))).isEqualTo("[equals, hashCode]");
        assertThat(sub.getConstructor().newInstance().toString()).isEqualTo("own");
        // Never over a final method: Enum's equals and hashCode, a user class's hashCode.
        assertThat(catchersOf(loader.loadClass("p.Color"))).isEqualTo("[toString]");
        assertThat(catchersOf(loader.loadClass("p.Below"))).isEqualTo("[equals, toString]");
        assertThat(loader.loadClass("p.Below").getConstructor().newInstance().hashCode()).isEqualTo(1);
        // Interfaces get none.
        assertThat(catchersOf(loader.loadClass("p.Shape"))).isEqualTo("[]");
    }

    @Test
    void nothingIsPlantedWhenAnAncestorCannotBeRead() {
        byte[] sub = compiled.get("p/Sub");
        assertThat(catchers.plant(sub, name -> Optional.empty())).isNull();
    }
}

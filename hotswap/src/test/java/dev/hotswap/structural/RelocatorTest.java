package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.Compiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * A version relocated to a class of its host's name in a loader of its own: it names nothing of
 * its host's package directly any more (each use goes through the engine), its types are erased
 * to their nearest superclass outside the package, and the JVM's verifier accepts it; what it
 * cannot relocate is said by method and class.
 */
class RelocatorTest {
    private static final Map<String, String> PACKAGE = Map.of(
            "p.Host", "package p; public class Host { int x = 4; }",
            "p.Helper", "package p; class Helper extends Thread { int y() { return 3; } }",
            "p.Oops", "package p; class Oops extends RuntimeException { }");

    /** As VersionWriter writes a version: static methods taking the object first, in a class named after the host. */
    private static final String VERSION = """
            package p;
            final class Host$$hotswap1 {
                static int get(Host self) {
                    Helper h = new Helper();
                    Object o = h;
                    int n = self.x + h.y() + ((Helper) o).y();
                    Helper[] all = new Helper[] {h};
                    if (o instanceof Helper) {
                        n++;
                    }
                    Runnable r = () -> System.out.println(self.x);
                    r.run();
                    h.setDaemon(true);
                    return n + all.length + Host.class.getName().length() + twice(n);
                }
                static int twice(int n) {
                    return 2 * n;
                }
                static void fails() {
                    throw new Oops();
                }
            }
            """;

    private static final Relocator.Erasure ERASURE = name -> switch (name) {
        case "p/Helper" -> "java/lang/Thread";
        case "p/Oops" -> "java/lang/RuntimeException";
        default -> "java/lang/Object";
    };

    /** The package's classes, and the version as VersionWriter leaves it: without a constructor. */
    private static Map<String, byte[]> compile(String version) {
        Map<String, String> sources = new HashMap<>(PACKAGE);
        sources.put("p.Host$$hotswap1", version);
        Map<String, byte[]> classes = new HashMap<>(Compiler.compile(sources));
        ClassNode node = new ClassNode();
        new ClassReader(classes.get("p/Host$$hotswap1")).accept(node, 0);
        node.methods.removeIf(m -> m.name.equals("<init>"));
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        classes.put("p/Host$$hotswap1", writer.toByteArray());
        return classes;
    }

    @Test
    void aRelocatedVersionNamesNothingOfItsPackageAndVerifies() throws Exception {
        Map<String, byte[]> classes = compile(VERSION);
        List<String> problems = new ArrayList<>();
        Relocator.Relocated relocated = Relocator.relocate(classes.get("p/Host$$hotswap1"), "p/Host", "p/Host$$hotswap1",
                ERASURE, problems);
        assertThat(problems).isEmpty();
        assertThat(relocated.descriptors()).containsEntry("get(Lp/Host;)I", "(Ljava/lang/Object;)I");

        ClassNode node = new ClassNode();
        new ClassReader(relocated.bytes()).accept(node, 0);
        assertThat(node.name).isEqualTo("p/Host");
        List<String> direct = new ArrayList<>();
        for (MethodNode m : node.methods) {
            for (AbstractInsnNode insn : m.instructions) {
                String owner = insn instanceof FieldInsnNode f ? f.owner + "." + f.name + f.desc
                        : insn instanceof MethodInsnNode mi ? mi.owner + "." + mi.name + mi.desc
                        : insn instanceof TypeInsnNode t ? t.desc
                        : insn instanceof LdcInsnNode l && l.cst instanceof Type t ? t.getDescriptor() : "";
                // Only calls to its own methods (twice, the lambda's body) may name p/Host, with erased types.
                if (owner.contains("p/") && !(insn instanceof MethodInsnNode mi && mi.owner.equals("p/Host")
                        && !mi.desc.contains("p/"))) {
                    direct.add(m.name + ": " + owner);
                }
            }
        }
        assertThat(direct).isEmpty();

        // Defined beside the package as the engine defines it, and linked: the verifier checks every frame.
        ClassLoader packageLoader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name.replace('.', '/'));
                if (bytes == null || name.contains("$$")) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        VersionLoader loader = new VersionLoader(packageLoader, "p.Host");
        Class<?> version = loader.define(relocated.bytes());
        assertThat(Class.forName("p.Host", true, loader)).isSameAs(version);
        assertThat(VersionLoader.isVersion(version)).isTrue();
        assertThat(Class.forName("p.Host", false, packageLoader)).isNotSameAs(version);
    }

    @Test
    void whatCannotBeRelocatedIsNamedByMethodAndClass() {
        String catching = VERSION.replace("static void fails() {",
                "static int safe() { try { return twice(1); } catch (Oops e) { return 0; } }\n    static void fails() {");
        List<String> problems = new ArrayList<>();
        Relocator.Relocated relocated = Relocator.relocate(compile(catching).get("p/Host$$hotswap1"), "p/Host",
                "p/Host$$hotswap1", ERASURE, problems);
        assertThat(relocated).isNull();
        assertThat(problems).containsExactly("safe catches p.Oops, a class of its own package");
    }
}

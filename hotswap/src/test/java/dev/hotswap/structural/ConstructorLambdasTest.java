package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.CompilerAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Lambdas and method references in constructors, field initializers and static initializers
 * (issue 24): a class rewritten as it loads keeps them as compiled; a class under the engine has
 * its constructors' lambdas made by the engine from the newest version's bodies.
 */
class ConstructorLambdasTest {
    private static final String SOURCE = """
            package p;
            import java.util.Comparator;
            import java.util.function.Supplier;
            public class C {
                static final Supplier<String> S;
                static { S = () -> "s"; }
                private final String name = "c";
                private final Comparator<M> byName = Comparator.comparing(M::name);
                private final Supplier<String> tag = () -> "t" + name;
                private Runnable r;
                public C() { r = () -> System.out.println(tag.get()); }
                Supplier<String> later() { return () -> "l"; }
            }
            """;

    private static final Map<String, byte[]> CLASSES = CompilerAccess.compile(Map.of("p.C", SOURCE,
            "p.M", "package p; public class M { String name() { return \"m\"; } }"));

    /** Bootstrap owner and name, and the implementation's name, of each lambda site of each method. */
    private static List<String> lambdaSites(byte[] bytes) {
        List<String> sites = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInvokeDynamicInsn(String name, String desc, Handle bootstrap, Object... arguments) {
                        String target = arguments.length > 1 && arguments[1] instanceof Handle h ? h.getName()
                                : arguments.length > 3 ? (String) arguments[3] : "?";
                        sites.add(method + ": " + bootstrap.getName() + " " + target);
                    }
                };
            }
        }, 0);
        return sites;
    }

    @Test
    void aClassRewrittenAsItLoadsKeepsItsLambdasAsCompiled() throws Exception {
        ClassModel m = ClassModel.parse(CLASSES.get("p/M"));
        LoadRewriter.Schemas schemas = new LoadRewriter.Schemas() {
            @Override
            public Optional<ClassModel> managed(String internalName) {
                return internalName.equals("p/M") ? Optional.of(m) : Optional.empty();
            }

            @Override
            public Optional<ClassModel> current(String internalName) {
                return managed(internalName);
            }

            @Override
            public Optional<ClassModel> schema(String internalName) {
                return managed(internalName);
            }

            @Override
            public boolean anyManaged() {
                return true;
            }

            @Override
            public Optional<CodeRewriter.Carrier> carrier(String internalName) {
                return Optional.empty();
            }

            @Override
            public Set<String> managedNames() {
                return Set.of("p/M");
            }
        };
        byte[] rewritten = LoadRewriter.rewrite(CLASSES.get("p/C"), schemas); // threw "... in a constructor" before
        assertThat(rewritten).isNotNull();
        assertThat(lambdaSites(rewritten)).isEqualTo(lambdaSites(CLASSES.get("p/C"))).allMatch(s -> s.contains("metafactory"));
    }

    @Test
    void theConstructorsOfAClassUnderTheEngineHaveTheEngineMakeTheirOwnLambdas() throws Exception {
        byte[] c = CLASSES.get("p/C");
        ClassModel model = ClassModel.parse(c);
        CodeRewriter.Loaded loaded = new CodeRewriter.Loaded() {
            @Override
            public boolean isPublicInterface(String internalName) {
                return true;
            }

            @Override
            public boolean isReloadable(String owner) {
                return owner.equals("p/C");
            }

            @Override
            public boolean has(String owner, String name, String descriptor, boolean isStatic) {
                return true; // the class as loaded has every method, lambda bodies too
            }

            @Override
            public boolean hasField(String owner, String name, String descriptor, boolean isStatic) {
                return true;
            }
        };
        List<String> problems = new ArrayList<>();
        byte[] trampoline = TrampolineWriter.write(c, c, model, loaded, problems, "()V", List.of());
        assertThat(problems).isEmpty();
        List<String> sites = lambdaSites(trampoline);
        // A lambda body's name may mean another body in the next version (javac numbers them class-wide):
        // the engine makes those from the newest version; a method reference to M stays as compiled.
        assertThat(sites).filteredOn(s -> s.startsWith("<init>") && s.contains("lambda$"))
                .hasSize(2).allMatch(s -> s.contains("lambdaOf"));
        assertThat(sites).filteredOn(s -> s.startsWith("<init>") && s.endsWith(" name")).singleElement().asString()
                .contains("metafactory");
        // The static initializer stays as loaded (it never runs again); other methods are entries.
        assertThat(sites).filteredOn(s -> s.startsWith("<clinit>")).singleElement().asString().contains("metafactory");
    }
}

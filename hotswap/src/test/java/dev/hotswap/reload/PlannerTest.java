package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.LinkCheck;
import dev.hotswap.structural.Engine;
import dev.hotswap.structural.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The planner over a fake view of the JVM and the engine: what becomes of a batch, decided without touching anything. */
class PlannerTest {
    private static final Path ROOT = Path.of("/watched/classes");
    private static final Path JAR = Path.of("/lib/other.jar");

    /** {@code p/Target} whose {@code v()} returns {@code value}, and, if given, one more method calling {@code calls}. */
    private static byte[] target(String name, int value, String extraMethod, String calls) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "v", "()I", null, null);
        m.visitCode();
        if (calls != null) {
            m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", calls, "(I)I", false);
        }
        m.visitLdcInsn(value);
        m.visitInsn(Opcodes.IRETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        if (extraMethod != null) {
            MethodVisitor e = w.visitMethod(Opcodes.ACC_STATIC, extraMethod, "()V", null, null);
            e.visitCode();
            e.visitInsn(Opcodes.RETURN);
            e.visitMaxs(0, 0);
            e.visitEnd();
        }
        w.visitEnd();
        return w.toByteArray();
    }

    private static final class Loader extends ClassLoader {
        Loader() {
            super(PlannerTest.class.getClassLoader());
        }

        Class<?> define(byte[] bytes) {
            return defineClass(null, bytes, 0, bytes.length);
        }
    }

    private final Loader loader = new Loader();
    private final byte[] v1 = target("p/Target", 1, null, null);
    private final Class<?> loaded = loader.define(v1);
    private Path location = ROOT;
    private boolean engineAvailable;
    private final List<String> details = new ArrayList<>();

    private Planner planner() {
        return new Planner(new Planner.Jvm() {
            @Override
            public Map<String, List<Class<?>>> loaded(Set<String> names) {
                Map<String, List<Class<?>>> found = new HashMap<>();
                for (Class<?> type : new Class<?>[] {loaded, String.class}) {
                    if (names.contains(type.getName())) {
                        found.computeIfAbsent(type.getName(), n -> new ArrayList<>()).add(type);
                    }
                }
                return found;
            }

            @Override
            public boolean isModifiable(Class<?> type) {
                return true;
            }

            @Override
            public Optional<RunningBytes.Running> running(Class<?> type) {
                return type == loaded ? Optional.of(new RunningBytes.Running(v1, null)) : Optional.empty();
            }

            @Override
            public Optional<Path> location(Class<?> type) {
                return type == loaded ? Optional.of(location) : Optional.empty();
            }

            @Override
            public LinkCheck.Classes linkView(Map<String, ClassModel> batch, ClassLoader classLoader) {
                // Math as the JDK has it, as far as this test calls it: abs(I)I, nothing else.
                return name -> switch (name) {
                    case "java/lang/Math" -> new LinkCheck.Shape(name, Optional.of("java/lang/Object"), List.of(),
                            java.util.Set.of(), java.util.Set.of("abs(I)I"));
                    case "java/lang/Object" -> new LinkCheck.Shape(name, Optional.empty(), List.of(), java.util.Set.of(),
                            java.util.Set.of("<init>()V"));
                    default -> LinkCheck.Lookup.unknown();
                };
            }
        }, new Planner.Structural() {
            @Override
            public boolean available() {
                return engineAvailable;
            }

            @Override
            public boolean manages(Class<?> type) {
                return false;
            }

            @Override
            public List<Problem> unsupported(Class<?> type, ClassModel running, ClassModel next) {
                return List.of();
            }
        }, details::add);
    }

    private static Candidate candidate(byte[] bytes) throws Exception {
        ClassModel model = ClassModel.parse(bytes);
        return new Candidate(ROOT.resolve(model.name() + ".class"), bytes, model);
    }

    private Planner.Plan plan(byte[] bytes) throws Exception {
        Candidate c = candidate(bytes);
        return planner().plan(new AnonymousNaming.Naming(List.of(c), Optional.empty()));
    }

    @Test
    void aBodyChangeIsAPlainRedefinition() throws Exception {
        Planner.Plan plan = plan(target("p/Target", 2, null, null));
        assertThat(plan).isInstanceOf(Planner.Plan.Apply.class);
        Planner.Target t = ((Planner.Plan.Apply) plan).targets().get(0);
        assertThat(t.type()).isSameAs(loaded);
        assertThat(t.structural()).isFalse();
    }

    @Test
    void aStructuralChangeGoesToTheEngineOrIsRefusedWithoutOne() throws Exception {
        byte[] v2 = target("p/Target", 2, "added", null);
        Planner.Plan refused = plan(v2);
        assertThat(refused).isInstanceOf(Planner.Plan.Refuse.class);
        Planner.Plan.Refuse r = (Planner.Plan.Refuse) refused;
        assertThat(r.reasons()).extracting(Reason::kind, Reason::member, Reason::newDescriptor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.METHOD_ADDED, "added()", "()V"));
        assertThat(r.hint()).contains("structural engine is not available");
        engineAvailable = true;
        Planner.Plan applied = plan(v2);
        assertThat(((Planner.Plan.Apply) applied).targets().get(0).structural()).isTrue();
    }

    @Test
    void aClassLoadedFromElsewhereIsRefusedAndNotHeld() throws Exception {
        location = JAR;
        Planner.Plan.Refuse r = (Planner.Plan.Refuse) plan(target("p/Target", 2, null, null));
        assertThat(r.reasons()).extracting(Reason::kind).containsExactly(Kind.NOT_FROM_WATCHED_FOLDER);
        assertThat(r.unswappable()).containsExactly("p.Target");
    }

    @Test
    void aReferenceThatDoesNotResolveRefusesTheBatchAndTheFileIsHeld() throws Exception {
        Planner.Plan.Refuse r = (Planner.Plan.Refuse) plan(target("p/Target", 2, null, "abz"));
        assertThat(r.reasons()).extracting(Reason::kind, Reason::member)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.UNRESOLVED_REFERENCE, "java.lang.Math.abz(I)I"));
        assertThat(r.unswappable()).isEmpty();
        assertThat(plan(target("p/Target", 2, null, "abs"))).isInstanceOf(Planner.Plan.Apply.class);
    }

    @Test
    void unchangedAndNotLoadedClassesNeedNothing() throws Exception {
        assertThat(plan(v1)).isInstanceOf(Planner.Plan.Nothing.class);
        assertThat(plan(target("p/NotLoaded", 1, null, null))).isInstanceOf(Planner.Plan.Nothing.class);
        assertThat(details).containsExactly("hotswap: unchanged, skipped: p.Target",
                "hotswap: not loaded yet, the new version loads when first used: p.NotLoaded");
    }

    @Test
    void misplacedFilesAndJdkClassesAreRefusedBeforePlanning() throws Exception {
        byte[] bytes = target("p/Target", 2, null, null);
        Candidate misplaced = new Candidate(ROOT.resolve("q/Target.class"), bytes, ClassModel.parse(bytes));
        assertThat(planner().precheck(List.of(misplaced)).orElseThrow().reasons()).extracting(Reason::kind)
                .containsExactly(Kind.MISPLACED_CLASS_FILE);
        assertThat(planner().precheck(List.of(candidate(target("java/lang/Fake", 1, null, null)))).orElseThrow()
                .reasons()).extracting(Reason::kind).containsExactly(Kind.JDK_CLASS);
        assertThat(planner().precheck(List.of(candidate(bytes)))).isEmpty();
    }

    private static dev.hotswap.classfile.ClassModel model(String body) throws Exception {
        byte[] bytes = dev.hotswap.classfile.Compiler.compile(Map.of("p.S", "package p; public class S { " + body + " }"))
                .get("p/S");
        return dev.hotswap.classfile.ClassModel.parse(bytes);
    }

    /** The cheap test before the full read of both class files: most body swaps skip it. */
    @Test
    void onlyAChangedInitializerOrAPossibleConstantAsksWhichStaticsChanged() throws Exception {
        String logger = "static final Object LOG = new Object(); int n() { return %d; }";
        assertThat(Planner.mayChangeStatics(model(logger.formatted(1)), model(logger.formatted(2))))
                .as("a body changed, the initializer not").isFalse();
        assertThat(Planner.mayChangeStatics(model(logger.formatted(1)),
                model("static final Object LOG = new String(); int n() { return 1; }"))).as("the initializer changed").isTrue();
        assertThat(Planner.mayChangeStatics(model("static final int MAX = 3;"), model("static final int MAX = 4;")))
                .as("a constant, which no initializer code sets").isTrue();
        assertThat(Planner.mayChangeStatics(model("int n() { return 1; }"), model("int n() { return 2; }"))).isFalse();
    }

}

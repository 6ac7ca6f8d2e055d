package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What a build can throw at the watched folder. After each, the program still runs the previous
 * code, the problem was reported in one line, and a later valid change still applies.
 */
class BadInputTest {
    private static final String TARGET = "app/Target.class";

    @TempDir
    Path dir;
    Path classes;
    ChildJvm child;

    @BeforeEach
    void startProgram() throws Exception {
        classes = dir.resolve("classes");
        Javac.compile(classes, App.sources(App.Start.NONE, 1));
        // A quiet period well above javac's gaps between class files, so that each compile is one
        // batch even on a loaded machine: these tests assert what a batch holds.
        child = ChildJvm.withAgent(dir, "retry=300ms,quiet=150ms", classes, App.MAIN);
        child.await("value=1 greet=hello lambda=L1");
    }

    @AfterEach
    void stopProgram() throws InterruptedException {
        child.close();
    }

    /** The old code still runs after the report, and a valid compile then applies. */
    private void stillRunsV1ThenAcceptsV2() throws IOException {
        int mark = child.mark();
        child.awaitAfter(mark, "value=1 greet=hello lambda=L1");
        Javac.compile(classes, App.sources(App.Start.NONE, 2));
        child.awaitAfter(mark, "value=2 greet=howdy2 lambda=L2");
        assertThat(child.isAlive()).isTrue();
    }

    private static byte[] v2(String className) throws IOException {
        return Javac.bytesOf(className, App.sources(App.Start.NONE, 2));
    }

    @Test
    void halfWrittenClassFileIsRetriedAndAppliedOnceWhole() throws Exception {
        byte[] bytes = v2("app.Target");
        try (OutputStream out = Files.newOutputStream(classes.resolve(TARGET))) {
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            Thread.sleep(150); // several quiet periods: the half file is seen, and must wait
            out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        }
        child.await("value=2 greet=hello lambda=L2");
        child.await("hotswap: reloaded"); // stderr and stdout are read apart: either may come first
        child.awaitMore(20, "tick="); // time for a second reload, were one coming
        assertThat(child.linesMatching(l -> l.startsWith("hotswap: ")).stream()
                .filter(l -> !l.startsWith("hotswap: watching")))
                .singleElement().asString().matches("hotswap: reloaded 1 class in \\d+ ms: app.Target");
    }

    @Test
    void garbageBytesAreReportedNotApplied() throws Exception {
        byte[] garbage = new byte[700];
        new Random(42).nextBytes(garbage);
        Files.write(classes.resolve(TARGET), garbage);
        String line = child.await("hotswap: not reloaded app.Target:");
        assertThat(line).contains(TARGET).contains("does not start with 0xCAFEBABE").contains("still running the previous version");
        stillRunsV1ThenAcceptsV2();
    }

    @Test
    void classFileWhoseNameDoesNotMatchItsPathIsRefused() throws Exception {
        Map<String, String> other = new LinkedHashMap<>();
        other.put("app.Other", "package app; public class Other { static int value() { return 7; } }");
        Files.write(classes.resolve(TARGET), Javac.bytesOf("app.Other", other));
        String line = child.await("hotswap: not reloaded app.Other:");
        assertThat(line).contains("holds class app.Other").contains("app/Other.class");
        stillRunsV1ThenAcceptsV2();
    }

    @Test
    void classThatFailsVerificationIsReportedAndOldCodeKeepsRunning() throws Exception {
        Files.write(classes.resolve(TARGET), unverifiable(v2("app.Target")));
        String line = child.await("hotswap: reload failed for app.Target:");
        assertThat(line).contains("java.lang.VerifyError").contains("still running the previous version");
        stillRunsV1ThenAcceptsV2();
    }

    @Test
    void structuralClassThatFailsVerificationIsReportedUnderItsOwnName() throws Exception {
        // A method added: the structural engine takes it, and the verifier refuses its new version.
        Files.write(classes.resolve(TARGET), unverifiable(v2("app.Target"), true));
        String line = child.await("hotswap: reload failed for app.Target:");
        assertThat(line).contains("java.lang.VerifyError").doesNotContain("$$hotswap")
                .contains("still running the previous version");
        stillRunsV1ThenAcceptsV2();
    }

    /** Same members, but {@code value()} returns a String where an int is due. */
    private static byte[] unverifiable(byte[] valid) {
        return unverifiable(valid, false);
    }

    /** As {@link #unverifiable(byte[])}; with {@code addMethod}, also a static method {@code added()} v1 lacks. */
    private static byte[] unverifiable(byte[] valid, boolean addMethod) {
        ClassReader reader = new ClassReader(valid);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitEnd() {
                if (addMethod) {
                    MethodVisitor mv = super.visitMethod(Opcodes.ACC_STATIC, "added", "()V", null, null);
                    mv.visitCode();
                    mv.visitInsn(Opcodes.RETURN);
                    mv.visitMaxs(0, 0);
                    mv.visitEnd();
                }
                super.visitEnd();
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!name.equals("value")) {
                    return mv;
                }
                mv.visitCode();
                mv.visitLdcInsn("not an int");
                mv.visitInsn(Opcodes.IRETURN);
                mv.visitMaxs(1, 0);
                mv.visitEnd();
                return null;
            }
        }, 0);
        return writer.toByteArray();
    }

    @Test
    void structuralChangeIsRefusedWithClassAndMember() throws Exception {
        Map<String, String> v2 = App.sources(App.Start.NONE, 2);
        v2.put("app.Target", App.target(2).replace("public class Target {", "public class Target implements Runnable {\n"
                + "    public void run() { }\n"));
        Javac.compile(classes, v2);
        String line = child.await("hotswap: not reloaded ");
        assertThat(line)
                .contains("app.Target: implemented interfaces changed from [] to [java.lang.Runnable]")
                .contains("structural change")
                .contains("still running the previous version");
        // Counter's body change came in the same compile: the batch is refused whole.
        assertThat(line).startsWith("hotswap: not reloaded app.Counter, app.Target:");
        stillRunsV1ThenAcceptsV2();
    }

    @Test
    void compileThatFailsHalfwayAppliesNothing() throws Exception {
        // A build that wrote one class whole and stopped in the middle of the next.
        byte[] target = v2("app.Target");
        byte[] counter = v2("app.Counter");
        Files.write(classes.resolve(TARGET), target);
        Files.write(classes.resolve("app/Counter.class"), java.util.Arrays.copyOf(counter, counter.length / 3));
        String line = child.await("hotswap: not reloaded ");
        assertThat(line).contains("app/Counter.class is not a complete class file").contains("after 300 ms");
        assertThat(line).startsWith("hotswap: not reloaded app.Counter, app.Target:");
        stillRunsV1ThenAcceptsV2();
    }

    @Test
    void classFilesReplacedByDeleteAndCreate() throws Exception {
        Map<String, byte[]> v2 = new LinkedHashMap<>();
        v2.put(TARGET, v2("app.Target"));
        v2.put("app/Counter.class", v2("app.Counter"));
        for (Map.Entry<String, byte[]> file : v2.entrySet()) {
            // As Maven's and Gradle's copies do: the old file vanishes, a new one appears.
            Files.delete(classes.resolve(file.getKey()));
            Files.write(classes.resolve(file.getKey()), file.getValue());
        }
        child.await("value=2 greet=howdy2 lambda=L2");
        assertThat(child.output()).doesNotContain("hotswap: not reloaded").doesNotContain("hotswap: reload failed");
    }

    @Test
    void watchedFolderDeletedAndRecreatedLikeMvnClean() throws Exception {
        deleteTree(classes);
        int mark = child.mark();
        child.awaitAfter(mark, "value=1"); // the loaded classes run on without their files
        Javac.compile(classes, App.sources(App.Start.NONE, 2));
        child.awaitAfter(mark, "value=2 greet=howdy2 lambda=L2");
    }

    @Test
    void packageFolderDeletedAndRecreated() throws Exception {
        deleteTree(classes.resolve("app"));
        Javac.compile(classes, App.sources(App.Start.NONE, 1));
        int mark = child.mark();
        child.awaitAfter(mark, "value=1");
        Javac.compile(classes, App.sources(App.Start.NONE, 2));
        child.awaitAfter(mark, "value=2 greet=howdy2 lambda=L2");
    }

    @Test
    void jdkClassInTheWatchedFolderIsRefused() throws Exception {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "java/lang/Evil", null, "java/lang/Object", null);
        writer.visitEnd();
        Files.createDirectories(classes.resolve("java/lang"));
        Files.write(classes.resolve("java/lang/Evil.class"), writer.toByteArray());
        assertThat(child.await("hotswap: not reloaded java.lang.Evil:")).contains("is a JDK class");
        stillRunsV1ThenAcceptsV2();
    }

    @Test
    void unchangedBytesAreNotReapplied() throws Exception {
        Javac.compile(classes, App.sources(App.Start.NONE, 1)); // a rebuild that changes nothing
        Files.write(classes.resolve(TARGET), Files.readAllBytes(classes.resolve(TARGET)));
        int mark = child.mark();
        Javac.compile(classes, App.sources(App.Start.NONE, 2));
        child.awaitAfter(mark, "value=2");
        child.await("hotswap: reloaded");
        assertThat(child.linesMatching(l -> l.startsWith("hotswap: reloaded")))
                .singleElement().asString().endsWith(": app.Counter, app.Target");
    }

    @Test
    void aThousandClassesInOneBuild() throws Exception {
        child.close();
        int n = 1000;
        Path many = dir.resolve("many");
        Files.createDirectories(many);
        Path v2 = dir.resolve("many-v2");
        Javac.compile(many, generated(n, 1));
        Javac.compile(v2, generated(n, 2));
        child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar(),
                "-cp", many + File.pathSeparator + ChildJvm.hotswapJar(), "gen.Sum"));
        child.await("sum=" + n);
        // Copy as fast as we can: far more events than the watch queue holds (it overflows).
        List<Path> files;
        try (Stream<Path> walk = Files.walk(v2)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        for (Path file : files) {
            Files.write(many.resolve(v2.relativize(file)), Files.readAllBytes(file));
        }
        child.await("sum=" + (2 * n));
        Pattern count = Pattern.compile("hotswap: reloaded (\\d+) class");
        int[] reloaded = {0};
        // Every class reloaded exactly once, whether in one batch or in a few.
        child.await(0, line -> {
            Matcher m = count.matcher(line);
            if (m.find()) {
                reloaded[0] += Integer.parseInt(m.group(1));
            }
            return reloaded[0] >= n;
        }, n + " classes reported reloaded");
        child.awaitMore(5, "sum=");
        assertThat(reloaded[0]).isEqualTo(n);
        assertThat(child.output()).doesNotContain("hotswap: not reloaded").doesNotContain("reload failed");
    }

    private static Map<String, String> generated(int n, int value) {
        Map<String, String> sources = new LinkedHashMap<>();
        StringBuilder sum = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sources.put("gen.C" + i, "package gen; public class C" + i + " { public static int v() { return " + value + "; } }");
            sum.append("s += C").append(i).append(".v();\n");
        }
        sources.put("gen.Sum", """
                package gen;
                public class Sum {
                    static int sum() {
                        int s = 0;
                        %s
                        return s;
                    }
                    public static void main(String[] args) throws Exception {
                        while (true) {
                            System.out.println("sum=" + sum());
                            Thread.sleep(50);
                        }
                    }
                }
                """.formatted(sum));
        return sources;
    }

    private static void deleteTree(Path root) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.delete(p);
        }
    }

    @Test
    void classLoadedFromAJarIsNotReplacedByAFileInTheWatchedFolder() throws Exception {
        child.close();
        Path jarClasses = dir.resolve("jar-classes");
        Map<String, String> util = new LinkedHashMap<>();
        util.put("lib.Util", "package lib; public class Util { public static String v() { return \"jar\"; } }");
        Javac.compile(jarClasses, util);
        Path jar = dir.resolve("util.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("lib/Util.class"));
            out.write(Files.readAllBytes(jarClasses.resolve("lib/Util.class")));
            out.closeEntry();
        }
        Map<String, String> main = new LinkedHashMap<>();
        main.put("app.UsesUtil", """
                package app;
                public class UsesUtil {
                    public static void main(String[] args) throws Exception {
                        while (true) {
                            System.out.println("tick util=" + Shout.of(lib.Util.v()));
                            Thread.sleep(20);
                        }
                    }
                }
                """);
        main.put("app.Shout", "package app; class Shout { static String of(String s) { return s; } }");
        Javac.compile(classes, main, jar);
        child = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar(),
                "-cp", jar + File.pathSeparator + classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.UsesUtil"));
        child.await("util=jar");
        util.put("lib.Util", "package lib; public class Util { public static String v() { return \"folder\"; } }");
        Javac.compile(classes, util);
        String line = child.await("hotswap: not reloaded lib.Util:");
        assertThat(line).contains("was loaded from " + jar).contains("not from the watched folder");
        int mark = child.mark();
        child.awaitAfter(mark, "util=jar");
        // A later change to a class that names it is not held back by it: no compile can fix that refusal.
        Javac.compile(classes, Map.of("app.Shout",
                "package app; class Shout { static String of(String s) { return s + \"!\" + lib.Util.class.getSimpleName(); } }"),
                jar);
        child.await("util=jar!Util");
    }
}

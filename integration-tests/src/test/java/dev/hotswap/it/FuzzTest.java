package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;

/**
 * Randomly mutated versions of a valid class file (bit flips, truncations, splices, constant-pool
 * counts; seeded, so every run sees the same mutants) dropped into the watched folder one after
 * another: the JVM never crashes, hotswap never fails internally, each refusal is one line, no
 * mutant that names a missing class or member is applied (the program never meets a
 * {@code LinkageError}), and the next valid version applies.
 */
class FuzzTest {
    private static final long SEED = 20261201L;
    private static final int MUTANTS = 150;

    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.List;
            import java.util.concurrent.*;
            public class Main {
                public static void main(String[] args) throws Exception {
                    ExecutorService runner = runner();
                    for (long tick = 0; ; tick++) {
                        long t = tick;
                        Future<String> result = runner.submit(() -> Fuzzed.run(t));
                        String seen;
                        try {
                            seen = result.get(2, TimeUnit.SECONDS);
                        } catch (TimeoutException e) {
                            // A mutant may loop forever in its own frame: leave that thread to it.
                            runner = runner();
                            seen = "timeout";
                        } catch (ExecutionException e) {
                            Throwable cause = e.getCause();
                            StackTraceElement[] trace = cause.getStackTrace();
                            // A mutant that dropped run(long) (renamed it): this caller, not recompiled, is stale,
                            // as after a fresh compile of Fuzzed alone; the error comes from the class's entry.
                            // Any other LinkageError is one a mutant brought in.
                            boolean stale = cause instanceof NoSuchMethodError && trace.length > 0
                                    && String.valueOf(cause.getMessage()).equals("app.Fuzzed.run(J)Ljava/lang/String;")
                                    && List.of("app.Main", "app.Fuzzed").contains(trace[0].getClassName());
                            seen = (stale ? "stale " : cause instanceof LinkageError ? "LINKAGE " : "threw ") + cause;
                        }
                        System.out.println("tick=" + tick + " " + seen + " end");
                        Thread.sleep(5);
                    }
                }
                static ExecutorService runner() {
                    return Executors.newSingleThreadExecutor(r -> {
                        Thread thread = new Thread(r, "fuzzed");
                        thread.setDaemon(true);
                        return thread;
                    });
                }
            }
            """;

    private static final String HELPER = """
            package app;
            public class Helper {
                static int twice(int x) { return 2 * x; }
                String tag = "h";
            }
            """;

    private static String fuzzed(String version) {
        return """
                package app;
                import java.util.List;
                import java.util.function.IntUnaryOperator;
                public class Fuzzed {
                    static int calls;
                    static String run(long tick) {
                        calls++;
                        IntUnaryOperator op = x -> x + Helper.twice(x);
                        List<String> parts = List.of("%s", new Helper().tag, String.valueOf(Math.max(op.applyAsInt(2), 1)));
                        return String.join("-", parts) + "/" + (calls > 0);
                    }
                }
                """.formatted(version);
    }

    private Path classes;
    private Path target;

    /** The program at v1, hotswap batching after 5 ms of quiet; the class mutants are made of is v2. */
    private ChildJvm start(String moreOptions) throws Exception {
        classes = dir.resolve("classes");
        target = classes.resolve("app/Fuzzed.class");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Helper", HELPER);
        all.put("app.Fuzzed", fuzzed("v1"));
        Javac.compile(classes, all);
        ChildJvm child = ChildJvm.start(dir, List.of("-Xmx64m", "-javaagent:" + ChildJvm.hotswapJar()
                + "=quiet=5ms,retry=60ms" + moreOptions, "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(),
                "app.Main"));
        child.await(" v1-h-6/true end");
        return child;
    }

    private static byte[] base() throws Exception {
        return Javac.bytesOf("app.Fuzzed", Map.of("app.Fuzzed", fuzzed("v2"), "app.Helper", HELPER));
    }

    /** Puts {@code bytes} in place of the class file at once, as a build's rename does. */
    private void drop(byte[] bytes) throws Exception {
        Path tmp = dir.resolve("mutant.tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void mutantsNeverHurtTheProgramAndTheNextValidVersionApplies() throws Exception {
        Path events = dir.resolve("events.jsonl");
        byte[] base = base();
        try (ChildJvm child = start(",verbosity=verbose,events=" + events)) {
            Random random = new Random(SEED);
            byte[] running = Files.readAllBytes(target);
            List<byte[]> applied = new ArrayList<>();
            int outcomes = 0;
            for (int i = 0; i < MUTANTS; i++) {
                byte[] mutant = mutate(base, random);
                if (Arrays.equals(mutant, running)) {
                    continue; // unchanged bytes are skipped without an outcome
                }
                int mark = child.mark();
                drop(mutant);
                int before = outcomes;
                outcomes = awaitOutcome(events, outcomes, child, mark);
                if (outcomes == before) {
                    running = mutant; // what hotswap runs already, bytes for bytes: skipped, and said so (verbose)
                    continue;
                }
                String last = lastLine(events);
                if (last.contains("\"outcome\":\"reloaded\"")) {
                    running = mutant;
                    applied.add(mutant);
                }
                assertThat(last).as("mutant %d", i).doesNotContain("INTERNAL_ERROR");
                assertThat(child.isAlive()).as("alive after mutant %d", i).isTrue();
            }
            Javac.compile(classes, Map.of("app.Fuzzed", fuzzed("v3")), classes);
            child.await(" v3-h-6/true end");
            String output = child.output();
            assertThat(output).doesNotContain("LINKAGE").doesNotContain("internal error").doesNotContain("\tat ")
                    .doesNotContain("WARNING");
            for (String line : output.lines().toList()) {
                if (line.startsWith("hotswap: not reloaded") || line.startsWith("hotswap: reload failed")) {
                    assertThat(line).as("one line").contains("still running the previous version");
                }
            }
            for (byte[] mutant : applied) {
                assertResolves(mutant);
            }
            assertThat(outcomes).isGreaterThan(MUTANTS / 2);
            List<String> lines = completeLines(events);
            System.out.println("fuzz: " + MUTANTS + " mutants (seed " + SEED + "), " + applied.size() + " applied; refused: "
                    + count(lines, "UNREADABLE_CLASS_FILE") + " unreadable or malformed, " + count(lines, "UNRESOLVED_REFERENCE")
                    + " naming what does not exist, " + count(lines, "\"outcome\":\"failed\"") + " rejected by the JVM, "
                    + (lines.size() - 1 - applied.size() - count(lines, "UNREADABLE_CLASS_FILE") - count(lines, "UNRESOLVED_REFERENCE")
                    - count(lines, "\"outcome\":\"failed\"")) + " other (structural changes the JVM cannot take, misplaced); then v3 applied");
        }
    }

    /**
     * As the fuzz runs that found the problem: a mutant every 30 ms, none waited for, so that
     * batches hold whatever the folder has when the quiet period ends. The program never meets a
     * {@code LinkageError}, hotswap never fails internally, and the valid version after applies.
     */
    @Test
    void aFloodOfMutantsNeverHurtsTheProgram() throws Exception {
        byte[] base = base();
        try (ChildJvm child = start("")) {
            Random random = new Random(SEED + 1);
            for (int i = 0; i < MUTANTS; i++) {
                drop(mutate(base, random));
                Thread.sleep(30);
                assertThat(child.isAlive()).as("alive after mutant %d", i).isTrue();
            }
            int mark = child.mark();
            Javac.compile(classes, Map.of("app.Fuzzed", fuzzed("v3")), classes);
            child.awaitAfter(mark, " v3-h-6/true end");
            assertThat(child.output()).doesNotContain("LINKAGE").doesNotContain("internal error")
                    .doesNotContain("INTERNAL_ERROR").doesNotContain("\tat ").doesNotContain("WARNING");
        }
    }

    private static long count(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    /**
     * Waits for one more line in the events file than {@code seen}, or for hotswap to say, after
     * {@code mark}, that the bytes were those it runs (no outcome then); returns the new count.
     */
    private static int awaitOutcome(Path events, int seen, ChildJvm child, int mark) throws Exception {
        long deadline = System.nanoTime() + ChildJvm.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (child.linesFrom(mark).stream().anyMatch(l -> l.startsWith("hotswap: unchanged, skipped"))) {
                return seen;
            }
            if (Files.exists(events)) {
                int now = completeLines(events).size();
                if (now > seen) {
                    return now;
                }
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child died: " + child.output());
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no outcome within " + ChildJvm.WAIT + ": " + child.output());
    }

    private static String lastLine(Path events) throws Exception {
        List<String> lines = completeLines(events);
        return lines.get(lines.size() - 1);
    }

    /**
     * The lines of the events file that are whole: the test reads while hotswap appends, and a
     * line read half-written would hide the outcome it ends with.
     */
    private static List<String> completeLines(Path events) throws Exception {
        String text = Files.readString(events);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end + 1).lines().toList();
    }

    private static byte[] mutate(byte[] base, Random random) {
        byte[] b = base.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                // Bit flips, mostly in the constant pool (the first half), where names live.
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    int at = 10 + random.nextInt(random.nextBoolean() ? b.length / 2 : b.length - 10);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, 10 + random.nextInt(b.length - 10));
            case 2 -> {
                int from = 10 + random.nextInt(b.length - 20);
                int to = 10 + random.nextInt(b.length - 20);
                int length = 1 + random.nextInt(Math.min(16, b.length - Math.max(from, to)));
                System.arraycopy(base, from, b, to, length);
            }
            default -> {
                int count = ((b[8] & 0xFF) << 8 | (b[9] & 0xFF)) + (random.nextBoolean() ? 1 : -1);
                b[8] = (byte) (count >> 8);
                b[9] = (byte) count;
            }
        }
        return b;
    }

    /** Every class and JDK member an applied mutant names exists (the app's own classes are Main, Helper, Fuzzed). */
    private static void assertResolves(byte[] mutant) throws Exception {
        ClassReader reader = new ClassReader(mutant);
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset <= 0) {
                continue;
            }
            int tag = reader.b[offset - 1];
            if (tag == 7) {
                String name = reader.readUTF8(offset, buffer);
                assertThat(exists(name)).as("class %s in an applied mutant", name).isTrue();
            } else if (tag == 10 || tag == 11) {
                String owner = reader.readClass(offset, buffer);
                int nat = reader.getItem(reader.readUnsignedShort(offset + 2));
                String name = reader.readUTF8(nat, buffer);
                String descriptor = reader.readUTF8(nat + 2, buffer);
                if (!owner.startsWith("app/") && !owner.startsWith("[")) {
                    assertThat(hasMethod(Class.forName(owner.replace('/', '.'), false, null), name, descriptor))
                            .as("%s.%s%s in an applied mutant", owner, name, descriptor).isTrue();
                }
            }
        }
    }

    private static boolean exists(String name) {
        if (name.startsWith("[") || List.of("app/Main", "app/Helper", "app/Fuzzed").contains(name)) {
            return true;
        }
        try {
            Class.forName(name.replace('/', '.'), false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean hasMethod(Class<?> type, String name, String descriptor) {
        if (type == java.lang.invoke.MethodHandle.class || type == java.lang.invoke.VarHandle.class) {
            return true;
        }
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            if (declares(k, name, descriptor)) {
                return true;
            }
        }
        List<Class<?>> todo = new ArrayList<>(List.of(type.getInterfaces()));
        todo.add(Object.class);
        while (!todo.isEmpty()) {
            Class<?> i = todo.remove(0);
            if (declares(i, name, descriptor)) {
                return true;
            }
            todo.addAll(List.of(i.getInterfaces()));
        }
        return false;
    }

    private static boolean declares(Class<?> k, String name, String descriptor) {
        List<Executable> members = new ArrayList<>(List.of(k.getDeclaredMethods()));
        members.addAll(List.of(k.getDeclaredConstructors()));
        for (Executable m : members) {
            String own = m instanceof java.lang.reflect.Method method ? Type.getMethodDescriptor(method)
                    : Type.getConstructorDescriptor((java.lang.reflect.Constructor<?>) m);
            String memberName = m instanceof java.lang.reflect.Constructor ? "<init>" : m.getName();
            if (memberName.equals(name) && own.equals(descriptor)) {
                return true;
            }
        }
        return false;
    }
}

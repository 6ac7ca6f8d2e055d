package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members a swap removed, as DCEVM's own tests have them (scenarios 15, 16, 20): a frame that was
 * running when the swap landed finishes with the method it had, in a version of the class that
 * went structural before (an instance method, through the receiver's dispatch) and in the class's
 * code as loaded (a static method, the class's first structural swap); code not recompiled that
 * calls it gets {@code NoSuchMethodError}; a lambda object made before whose body the swap
 * removed throws {@code NoSuchMethodError}. A running frame that reads a field the swap removed
 * reads the value it had (the one departure from DCEVM, see the README).
 */
class RemovedMembersTest {
    @TempDir
    Path dir;

    private static final String MAIN = """
            package app;
            import java.util.concurrent.CountDownLatch;
            import java.util.concurrent.atomic.AtomicInteger;
            import java.util.function.Supplier;
            public class Main {
                static final AtomicInteger reloads = new AtomicInteger();
                static final CountDownLatch second = new CountDownLatch(1);
                public static void main(String[] args) throws Exception {
                    dev.hotswap.Hotswap.start().addListener(o -> {
                        if (o instanceof dev.hotswap.ReloadOutcome.Reloaded && reloads.incrementAndGet() == 2) {
                            second.countDown();
                        }
                    });
                    Worker worker = new Worker();
                    Supplier<String> lambda = worker.lambda();
                    while (reloads.get() < 1) {
                        System.out.println("tick " + Worker.version());
                        Thread.sleep(20);
                    }
                    run("instance-old", () -> String.valueOf(worker.instanceRun()));
                    run("static-old-loaded", () -> String.valueOf(Legacy.staticRun()));
                    run("field-old", () -> String.valueOf(worker.fieldRun()));
                    Thread.sleep(200);
                    System.out.println("frames started");
                    second.await();
                    Thread.sleep(300);
                    System.out.println("lambda=" + attempt(lambda::get));
                    System.out.println("stale=" + attempt(() -> String.valueOf(Other.call())));
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick " + Worker.version() + " " + Legacy.version());
                        Thread.sleep(20);
                    }
                }
                static void run(String name, Supplier<String> task) {
                    Thread t = new Thread(() -> System.out.println(name + "=" + attempt(task)), name);
                    t.setDaemon(true);
                    t.start();
                }
                static String attempt(Supplier<String> task) {
                    try {
                        return task.get();
                    } catch (Throwable e) {
                        return e.getClass().getSimpleName();
                    }
                }
                static void awaitSecond() {
                    try {
                        second.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            """;

    private static String worker(String version, String members) {
        return """
                package app;
                import java.util.function.Supplier;
                public class Worker {
                    int f = 10;
                    static String version() { return "%s"; }
                    %s
                }
                """.formatted(version, members);
    }

    private static final String WORKER_KEPT = """
            int value() { return 1; }
            int instanceRun() { int r = value(); Main.awaitSecond(); r += value(); return r; }
            int fieldRun() { int a = f; Main.awaitSecond(); return a + f; }
            Supplier<String> lambda() { return () -> "L" + f; }
            """;

    private static String legacy(String version, String members) {
        return """
                package app;
                public class Legacy {
                    static String version() { return "%s"; }
                    %s
                }
                """.formatted(version, members);
    }

    private static final String LEGACY_KEPT = """
            static int sValue() { return 1; }
            static int staticRun() { int r = sValue(); Main.awaitSecond(); r += sValue(); return r; }
            """;

    /** Compiled once, against the first versions: it still calls Legacy.sValue() after the swap removed it. */
    private static final String OTHER = """
            package app;
            public class Other {
                static int call() { return Legacy.sValue(); }
            }
            """;

    @Test
    void removedMembersFollowDcevm() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", MAIN);
        all.put("app.Worker", worker("w1", WORKER_KEPT));
        all.put("app.Legacy", legacy("l1", LEGACY_KEPT));
        all.put("app.Other", OTHER);
        Javac.compile(classes, all, ChildJvm.hotswapJar());
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=150ms", classes, "app.Main")) {
            child.await("tick w1");
            // First structural swap of Worker: it is under the engine from now on (a method added).
            Javac.compile(classes, Map.of("app.Worker", worker("w2", WORKER_KEPT + "int extra() { return 2; }")), classes);
            child.await("frames started");
            // The frames now wait inside instanceRun() (Worker's version w2), staticRun() (Legacy as loaded)
            // and fieldRun(); this swap removes what they call and read, and the lambda's body.
            Javac.compile(classes, Map.of(
                    "app.Worker", worker("w3", "int instanceRun() { return 40; } int fieldRun() { return 40; }"
                            + " Supplier<String> lambda() { return null; }"),
                    "app.Legacy", legacy("l3", "static int staticRun() { return 40; }")), classes);
            assertThat(child.await("instance-old=")).endsWith("instance-old=2");
            assertThat(child.await("static-old-loaded=")).endsWith("static-old-loaded=2");
            assertThat(child.await("field-old=")).endsWith("field-old=20");
            assertThat(child.await("lambda=")).endsWith("lambda=NoSuchMethodError");
            assertThat(child.await("stale=")).endsWith("stale=NoSuchMethodError");
            child.await("tick w3 l3");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed");
        }
    }

    private static final String RECURSIVE_MAIN = """
            package app;
            import java.util.concurrent.CountDownLatch;
            import java.util.concurrent.atomic.AtomicInteger;
            import java.util.function.Supplier;
            public class Main {
                static final AtomicInteger reloads = new AtomicInteger();
                static final CountDownLatch second = new CountDownLatch(1);
                public static void main(String[] args) throws Exception {
                    dev.hotswap.Hotswap.start().addListener(o -> {
                        if (o instanceof dev.hotswap.ReloadOutcome.Reloaded && reloads.incrementAndGet() == 2) {
                            second.countDown();
                        }
                    });
                    while (reloads.get() < 1) {
                        System.out.println("tick " + Rec.version());
                        Thread.sleep(20);
                    }
                    run("virtual", () -> String.valueOf(new Rec().fac(4)));
                    run("private", () -> String.valueOf(Rec.pcall()));
                    run("loaded", () -> String.valueOf(Plain.sfac(4)));
                    Thread.sleep(200);
                    System.out.println("frames started");
                    for (long tick = 0; ; tick++) {
                        System.out.println("tick " + Rec.version() + " " + Plain.version());
                        Thread.sleep(20);
                    }
                }
                static void run(String name, Supplier<String> task) {
                    Thread t = new Thread(() -> {
                        String result;
                        try {
                            result = task.get();
                        } catch (Throwable e) {
                            result = e.getClass().getSimpleName();
                        }
                        System.out.println(name + "=" + result);
                    }, name);
                    t.setDaemon(true);
                    t.start();
                }
                static void awaitSecond() {
                    try {
                        second.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            """;

    /** Each method, at the bottom of its recursion, waits for the swap that removes it, then calls itself again. */
    private static final String REC_KEPT = """
            int fac(int x) { if (x == 0) { Main.awaitSecond(); } return x * fac(x - 1); }
            static int pcall() { return pfac(4); }
            private static int pfac(int x) { if (x == 0) { Main.awaitSecond(); } return x * pfac(x - 1); }
            """;

    private static String rec(String version, String members) {
        return """
                package app;
                public class Rec {
                    static String version() { return "%s"; }
                    %s
                }
                """.formatted(version, members);
    }

    private static String plain(String version, String members) {
        return """
                package app;
                public class Plain {
                    static String version() { return "%s"; }
                    %s
                }
                """.formatted(version, members);
    }

    /**
     * DCEVM's DeleteActiveMethodTest: a method that a swap removes while it runs, and that calls
     * itself after the swap, gets {@code NoSuchMethodError} at that call (the frames unwind
     * normally); before, the frame's version ran its own copy again and again, to
     * {@code StackOverflowError}. A virtual method and a private static one in a version, and a
     * static method of the class as loaded.
     */
    @Test
    void aRemovedMethodCallingItselfGetsNoSuchMethodError() throws Exception {
        Path classes = dir.resolve("classes");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("app.Main", RECURSIVE_MAIN);
        all.put("app.Rec", rec("r1", REC_KEPT));
        all.put("app.Plain", plain("p1", "static int sfac(int x) { if (x == 0) { Main.awaitSecond(); } return x * sfac(x - 1); }"));
        Javac.compile(classes, all, ChildJvm.hotswapJar());
        try (ChildJvm child = ChildJvm.withAgent(dir, "quiet=150ms", classes, "app.Main")) {
            child.await("tick r1");
            // Rec goes under the engine (a method added): its recursions start in that version.
            Javac.compile(classes, Map.of("app.Rec", rec("r2", REC_KEPT + "int extra() { return 2; }")), classes);
            child.await("frames started");
            Javac.compile(classes, Map.of(
                    "app.Rec", rec("r3", "static int pcall() { return 40; }"),
                    "app.Plain", plain("p3", "")), classes);
            assertThat(child.await("virtual=")).endsWith("virtual=NoSuchMethodError");
            assertThat(child.await("private=")).endsWith("private=NoSuchMethodError");
            assertThat(child.await("loaded=")).endsWith("loaded=NoSuchMethodError");
            child.await("tick r3 p3");
            assertThat(child.output()).doesNotContain("not reloaded").doesNotContain("reload failed")
                    .doesNotContain("StackOverflowError");
        }
    }
}

package dev.hotswap.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Call cost of a small hot instance method ({@code mul(x) + k}, {@code mul} a private method
 * reading a private field) of a class loaded from a watched folder. The runner forks one JVM per configuration: no agent; the agent loaded, never swapped;
 * the agent after 1 and after 100 body swaps made through the real pipeline (file written,
 * watcher, redefinition) in this fork's setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallCost {
    static final String DIR = "bench.dir";
    static final int CALLS = 1000;

    @Param("0")
    public int swaps;

    /** Whether each swap adds a method (the structural engine) or changes the body only. */
    @Param("false")
    public boolean structural;

    IntUnaryOperator op;
    private int x = 7;

    @Setup
    public void setup() throws Exception {
        Path dir = Path.of(System.getProperty(DIR));
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, CallCost.class.getClassLoader());
        op = (IntUnaryOperator) loader.loadClass("Hot").getConstructor().newInstance();
        for (int k = 1; k <= swaps; k++) {
            Files.write(dir.resolve("Hot.class"), ClassGen.operator("Hot", k, structural));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (op.applyAsInt(0) != ClassGen.operatorConstant(k)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("swap " + k + " not seen within 30 s");
                }
                Thread.sleep(1);
            }
        }
    }

    /**
     * A thousand dependent calls per invocation: one call alone (~2 cycles) is at the mercy of
     * code alignment and timer resolution; a chain of them gives a tight, comparable figure.
     */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int call() {
        int acc = x;
        for (int i = 0; i < CALLS; i++) {
            acc = op.applyAsInt(acc ^ i);
        }
        return acc;
    }
}

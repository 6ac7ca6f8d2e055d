package dev.hotswap.bench;

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reflection on the class of {@link CallCost} (loaded from a watched folder): {@code Method.invoke}
 * of its method, and a look-up by name ({@code getMethod}, which copies from the JDK's cache), per
 * configuration; after a structural swap also the call of the method the swap added.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReflectCost extends CallCost {
    private Method apply;
    private Method extra;
    private int n = 3;

    @Setup
    public void methods() throws Exception {
        apply = op.getClass().getMethod("applyAsInt", int.class);
        extra = structural ? op.getClass().getMethod("extra") : null;
    }

    @Benchmark
    public Object invoke() throws Exception {
        return apply.invoke(op, n);
    }

    @Benchmark
    public Method lookup() throws Exception {
        return op.getClass().getMethod("applyAsInt", int.class);
    }

    @Benchmark
    public Object invokeAdded() throws Exception {
        return extra == null ? null : extra.invoke(op);
    }
}

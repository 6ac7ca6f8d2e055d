package dev.hotswap.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A program as a user runs one (a child JVM): prints {@code tick <Sum.sum()> <nanoTime>} every
 * 10 ms. A swap shows at its next line; a cold start at its first.
 */
public final class TickMain {
    private TickMain() {
    }

    public static void main(String[] args) throws Throwable {
        MethodHandle sum = MethodHandles.publicLookup().findStatic(Class.forName("Sum"), "sum",
                MethodType.methodType(int.class));
        while (true) {
            System.out.println("tick " + (int) sum.invokeExact() + " " + System.nanoTime());
            Thread.sleep(10);
        }
    }
}

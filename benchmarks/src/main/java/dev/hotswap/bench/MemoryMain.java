package dev.hotswap.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Child for the memory figures: polls {@code Text.v()} through {@code Caller} (a plain
 * {@code invokestatic}; a {@code MethodHandle} would go stale after a few thousand redefinitions,
 * a HotSpot defect, see BENCHMARKS.md) and prints {@code seen <value>} when it changes; on
 * {@code mem} from stdin, collects garbage and prints heap and Metaspace in use.
 */
public final class MemoryMain {
    private MemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        @SuppressWarnings("unchecked")
        Supplier<Object> text = (Supplier<Object>) Class.forName("Caller").getConstructor().newInstance();
        Thread commands = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("mem")) {
                        System.gc();
                        System.gc();
                        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                        long meta = ManagementFactory.getMemoryPoolMXBeans().stream()
                                .filter(p -> p.getName().equals("Metaspace")).mapToLong(p -> p.getUsage().getUsed()).sum();
                        System.out.println("mem " + heap + " " + meta);
                    }
                }
            } catch (Exception e) {
                System.out.println("error " + e);
            }
        }, "commands");
        commands.setDaemon(true);
        commands.start();
        String last = (String) text.get();
        System.out.println("ready " + last);
        while (true) {
            String now = (String) text.get();
            if (!now.equals(last)) {
                System.out.println("seen " + now);
                last = now;
            }
            LockSupport.parkNanos(20_000);
        }
    }
}

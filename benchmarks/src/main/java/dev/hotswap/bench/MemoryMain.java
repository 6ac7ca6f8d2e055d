package dev.hotswap.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Child for the memory figures: polls {@code Text.v()} and prints {@code seen <value>} when it
 * changes; on {@code mem} from stdin, collects garbage and prints heap and Metaspace in use.
 */
public final class MemoryMain {
    private MemoryMain() {
    }

    public static void main(String[] args) throws Throwable {
        MethodHandle text = MethodHandles.publicLookup().findStatic(Class.forName("Text"), "v",
                MethodType.methodType(String.class));
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
        String last = (String) text.invokeExact();
        System.out.println("ready " + last);
        while (true) {
            String now = (String) text.invokeExact();
            if (!now.equals(last)) {
                System.out.println("seen " + now);
                last = now;
            }
            LockSupport.parkNanos(20_000);
        }
    }
}

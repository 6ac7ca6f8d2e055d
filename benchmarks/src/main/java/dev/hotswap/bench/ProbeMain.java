package dev.hotswap.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.instrument.ClassDefinition;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The program under measurement (a child JVM). Polls {@code Sum.sum()} every 20 µs and prints
 * {@code seen <sum> <nanoTime>} when it changes: the moment new behaviour is first observed.
 * With {@link FloorAgent} loaded it also obeys {@code redefine <dir>} on stdin, calling the JDK's
 * {@code redefineClasses} directly with the class files found there: the floor.
 */
public final class ProbeMain {
    private ProbeMain() {
    }

    public static void main(String[] args) throws Throwable {
        MethodHandle sum = MethodHandles.publicLookup().findStatic(Class.forName("Sum"), "sum",
                MethodType.methodType(int.class));
        if (FloorAgent.instrumentation != null) {
            Thread commands = new Thread(ProbeMain::commands, "commands");
            commands.setDaemon(true);
            commands.start();
        }
        int last = (int) sum.invokeExact();
        System.out.println("ready " + last);
        while (true) {
            int now = (int) sum.invokeExact();
            if (now != last) {
                System.out.println("seen " + now + " " + System.nanoTime());
                last = now;
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private static void commands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("redefine ")) {
                    List<ClassDefinition> definitions = new ArrayList<>();
                    try (Stream<Path> files = Files.list(Path.of(line.substring("redefine ".length())))) {
                        for (Path file : files.toList()) {
                            String name = file.getFileName().toString().replace(".class", "");
                            definitions.add(new ClassDefinition(Class.forName(name), Files.readAllBytes(file)));
                        }
                    }
                    long started = System.nanoTime();
                    FloorAgent.instrumentation.redefineClasses(definitions.toArray(ClassDefinition[]::new));
                    System.out.println("redefined " + started + " " + System.nanoTime());
                }
            }
        } catch (IOException | ReflectiveOperationException | java.lang.instrument.UnmodifiableClassException
                 | RuntimeException | LinkageError e) {
            System.out.println("error " + e);
        }
    }
}

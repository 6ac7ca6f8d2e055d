package dev.hotswap.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * A restart-style reload as Spring Boot DevTools and Quarkus dev mode do it, faithfully: the
 * application lives in its own class loader (parent: the JDK's platform loader); a reload drops
 * that loader, makes a new one over the same classes and runs the application's main again up
 * to its first output. Every object of the old run is gone. Prints {@code round <i> <nanos>}.
 */
public final class RestartMain {
    private RestartMain() {
    }

    public static void main(String[] args) throws Exception {
        URL[] classPath = {Path.of(args[0]).toUri().toURL()};
        int rounds = Integer.parseInt(args[1]);
        for (int i = 0; i < rounds; i++) {
            long started = System.nanoTime();
            String first;
            try (URLClassLoader loader = new URLClassLoader("app", classPath, ClassLoader.getPlatformClassLoader())) {
                first = (String) loader.loadClass("app.Main").getMethod("run").invoke(null);
                long took = System.nanoTime() - started;
                System.out.println("round " + i + " " + took + " " + first);
            }
        }
    }
}

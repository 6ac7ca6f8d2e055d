package dev.hotswap.bench;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * What the Spring Boot sections (7 and 7b) share: an app compiled from its sources against a
 * folder of jars, probed over HTTP on loopback until it answers as wanted, and a row comparing
 * hotswap with a restart.
 */
final class WebApp {
    /** One HTTP answer. */
    record Answer(int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Polls {@code url} every 2 ms until an answer is {@code wanted}; refused connections count as not yet. */
    Answer await(String url, Predicate<Answer> wanted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Answer last = new Answer(0, "");
        while (System.nanoTime() < deadline) {
            try {
                last = get(url);
                if (wanted.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // restarting, or not listening yet
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no expected answer from " + url + " within " + timeout.toSeconds() + " s; last: "
                + last.status + " " + last.body);
    }

    Answer get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The jars of {@code folder} whose file names {@code keep} accepts, as a class path. */
    static String classPath(Path folder, Predicate<String> keep) throws IOException {
        try (Stream<Path> jars = Files.list(folder)) {
            return jars.filter(p -> p.toString().endsWith(".jar")).filter(p -> keep.test(p.getFileName().toString()))
                    .map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
        }
    }

    /** The source of a Spring Boot app's main class, {@code pkg.name}. */
    static String mainClass(String pkg, String name) {
        return """
                package %1$s;
                import org.springframework.boot.SpringApplication;
                import org.springframework.boot.autoconfigure.SpringBootApplication;
                @SpringBootApplication
                public class %2$s {
                    public static void main(String[] args) {
                        SpringApplication.run(%2$s.class, args);
                    }
                }
                """.formatted(pkg, name);
    }

    /** Writes {@code sources} (path under the source folder → text) to {@code src} and compiles them all into {@code out}. */
    static Path compile(Path src, Path out, Map<String, String> sources, String classPath) throws IOException {
        List<String> args = new ArrayList<>(List.of("-d", Files.createDirectories(out).toString(), "-proc:none",
                "-cp", classPath));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        if (javac.run(null, messages, messages, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("the app in " + src + " did not compile: " + messages);
        }
        return out;
    }

    /** A table row: the edit, hotswap's and the other way's p50 and p95, their ratio, whether each kept the app's state. */
    static String row(String label, Stats hotswap, Stats other, boolean hotswapKept, boolean otherKept) {
        return "| " + label + " | " + Stats.ms(hotswap.p50()) + " | " + Stats.ms(hotswap.p95()) + " | "
                + Stats.ms(other.p50()) + " | " + Stats.ms(other.p95()) + " | " + Stats.ratio(other.p50() / hotswap.p50())
                + " | " + (hotswapKept ? "yes" : "**no**") + " / " + (otherKept ? "yes" : "no") + " |\n";
    }

    /** A line of "Goals at a glance": hotswap's p50 at least ten times below the other way's, with the state kept. */
    static String[] tenTimes(String goal, Stats hotswap, Stats other, boolean hotswapKept) {
        double ratio = other.p50() / hotswap.p50();
        return new String[] {goal, Stats.ms(hotswap.p50()) + " ms vs " + Stats.ms(other.p50()) + " ms = " + Stats.ratio(ratio),
                ratio >= 10 && hotswapKept ? "yes" : "**no**"};
    }
}

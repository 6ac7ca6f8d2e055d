package dev.hotswap.dev;

import dev.hotswap.watch.Debouncer;
import dev.hotswap.watch.DirectoryWatcher;
import dev.hotswap.watch.Selection;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code java -jar hotswap.jar dev} and {@code mvn hotswap:dev}: builds the program's sources in
 * this JVM (javac stays warm), starts the program in a JVM of its own with hotswap as its agent,
 * and from then on compiles each save and hands the program every compile's files as one batch,
 * through a folder only the two of them know ({@code -Dhotswap.batches}): the compile says where
 * it ends, so nothing waits out a quiet period and no compile is ever applied in halves. A compile
 * error is printed as javac prints it and changes nothing. Ctrl-C ends the program and dev mode.
 */
public final class DevMode {
    /** How long an editor's save may keep writing (several files of one "save all") before the sources are looked at. */
    static final Duration SAVE_SETTLE = Duration.ofMillis(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final DevSettings settings;
    private final PrintStream err;
    private final Build build;
    private final Path inbox;
    private final CompletableFuture<Process> program = new CompletableFuture<>();
    private int announced;

    private DevMode(DevSettings settings, PrintStream err, Path inbox) {
        this.settings = settings;
        this.err = err;
        this.inbox = inbox;
        this.build = new Build(settings, new Compiler(settings.runClassPath(), settings.javacOptions(), settings.out(), settings.generatedSources()),
                new PrintWriter(err, true));
    }

    /**
     * Runs dev mode until the program ends (or Ctrl-C).
     *
     * @return the program's exit status; 1 when dev mode could not start it
     */
    public static int run(DevSettings settings, PrintStream err) {
        Path inbox;
        Path agent;
        try {
            agent = ourJar();
            inbox = Files.createTempDirectory("hotswap-dev-");
            Files.createDirectories(settings.out());
        } catch (IOException | IllegalStateException e) {
            err.println("hotswap dev: cannot start: " + e.getMessage());
            return 1;
        }
        DevMode dev;
        try {
            dev = new DevMode(settings, err, inbox);
        } catch (IllegalStateException e) {
            err.println("hotswap dev: cannot start: " + e.getMessage());
            return 1;
        }
        Thread stopper = new Thread(dev::stopProgram, "hotswap-dev-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try (Debouncer saves = new Debouncer(SAVE_SETTLE, reported -> {
                 dev.round(reported, agent);
                 return Optional.empty();
             });
             DirectoryWatcher watcher = new DirectoryWatcher(watched(settings), Selection.SOURCES, saves::offer,
                     problem -> err.println("hotswap dev: " + problem))) {
            watcher.start(() -> { });
            // The first build, on the rounds' own thread (a save during it waits its turn); the program starts once it compiles.
            saves.runLater(() -> dev.round(Set.of(), agent), Duration.ZERO);
            Process process = dev.program.get();
            int status = process.waitFor();
            Runtime.getRuntime().removeShutdownHook(stopper);
            return status;
        } catch (IOException e) {
            err.println("hotswap dev: cannot watch the sources: " + e);
            dev.stopProgram();
            return 1;
        } catch (InterruptedException | ExecutionException e) {
            dev.stopProgram();
            return 1;
        } catch (IllegalStateException e) {
            return 1; // shutting down: the hook stops the program
        } finally {
            deleteTree(inbox);
        }
    }

    /** One build round, then the program started (the first time) or told of the batch. Runs on one thread. */
    private void round(Set<Path> reported, Path agent) {
        Build.Round round;
        try {
            round = build.next(reported);
        } catch (IOException | RuntimeException e) {
            // javac's own failure too: the program runs on, and the next save compiles again
            err.println("hotswap dev: the build failed (" + e + "); nothing applied; the next save tries again");
            return;
        }
        boolean running = program.isDone();
        if (round instanceof Build.Round.Failed failed) {
            err.println("hotswap dev: compile failed (" + count(failed.sources().size(), "file") + "); nothing applied"
                    + (running ? ", the program runs on" : "; the program starts once its sources compile"));
        } else if (round instanceof Build.Round.Compiled compiled) {
            if (compiled.compiled() > 0 || !running) {
                err.println("hotswap dev: compiled " + count(compiled.compiled() - compiled.dependents(), "file")
                        + (compiled.dependents() > 0 ? " and " + compiled.dependents() + " that depend on its changes" : "")
                        + " in " + compiled.millis() + " ms");
            }
            if (!running) {
                start(agent);
            } else {
                announce(compiled.files());
            }
        }
    }

    private void start(Path agent) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.jvmOptions());
        command.add("-javaagent:" + agent);
        command.add("-Dhotswap.watch=" + settings.out());
        command.add("-Dhotswap.batches=" + inbox);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, settings.runClassPath().stream().map(Path::toString).toList()));
        command.add(settings.mainClass());
        command.addAll(settings.args());
        try {
            program.complete(new ProcessBuilder(command).inheritIO().start());
        } catch (IOException e) {
            err.println("hotswap dev: cannot start the program (" + e + ")");
            program.completeExceptionally(e);
        }
    }

    /** Hands the program one batch: written beside, then moved in whole, so it is never read half-written. */
    private void announce(Set<Path> files) {
        try {
            Path draft = inbox.resolve(announced + ".draft");
            Files.write(draft, files.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
            Files.move(draft, inbox.resolve(String.format("%08d.batch", announced)), StandardCopyOption.ATOMIC_MOVE);
            announced++;
        } catch (IOException e) {
            err.println("hotswap dev: cannot hand the program its new classes (" + e + "); the next save tries again");
        }
    }

    /** Ends the program: asked first, then made to, after a grace period. */
    private void stopProgram() {
        Process process = program.getNow(null);
        if (process == null) {
            program.completeExceptionally(new IllegalStateException("stopped before the program started"));
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static List<Path> watched(DevSettings settings) {
        List<Path> all = new ArrayList<>(settings.sources());
        all.addAll(settings.resources());
        return all;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** The jar this class is in: the program's JVM loads it as its agent. */
    private static Path ourJar() {
        try {
            var source = DevMode.class.getProtectionDomain().getCodeSource();
            Path jar = source == null ? null : Path.of(source.getLocation().toURI());
            if (jar == null || !Files.isRegularFile(jar)) {
                throw new IllegalStateException("dev mode runs from hotswap's jar (java -jar hotswap.jar dev …)");
            }
            return jar;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot find hotswap's jar (" + e + ")");
        }
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder: the system cleans it up eventually
        }
    }
}

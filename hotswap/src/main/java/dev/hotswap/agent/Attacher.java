package dev.hotswap.agent;

import dev.hotswap.boot.Boot;
import dev.hotswap.boot.Core;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Gets an {@link Instrumentation} for this JVM, trying in order: an agent already loaded
 * ({@code -javaagent}, {@code Launcher-Agent-Class}); loading ours from inside this JVM when
 * {@code -Djdk.attach.allowAttachSelf=true} permits it; loading it by speaking the attach
 * protocol to ourselves ({@link SelfAttach}, Linux); loading it through a short-lived helper JVM
 * that attaches back. Each attempt that fails is recorded, so the final word says why.
 */
public final class Attacher {
    private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(30);

    private Attacher() {
    }

    /** The outcome: an instrumentation, or why there is none and how to get one. */
    sealed interface Result permits Attached, Unavailable {
    }

    /**
     * @param took how long getting it took here
     * @param dynamic true when the agent had to be loaded now (slower start, JDK 21+ prints a warning)
     * @param how how it was loaded, for the user: {@code "in process"}, {@code "through a helper JVM"}
     */
    record Attached(Duration took, boolean dynamic, String how) implements Result {
    }

    /** @param why one sentence per failed attempt; the last one says what to do */
    record Unavailable(List<String> why) implements Result {
        public Unavailable {
            why = List.copyOf(why);
        }
    }

    /** What {@link #start} gives the library: the session, and how the agent got in; or why it could not. */
    public sealed interface Started permits Running, NotStarted {
    }

    /** @param dynamic true when the agent had to be loaded now; @param how how, for the user */
    public record Running(Core.Running session, Duration took, boolean dynamic, String how) implements Started {
    }

    /** @param why one sentence per failed attempt; the last one says what to do */
    public record NotStarted(List<String> why) implements Started {
        public NotStarted {
            why = List.copyOf(why);
        }
    }

    /**
     * Has this JVM's instrumentation handed to hotswap's core (loading the agent when it is not
     * in yet) and starts (or joins) its session with these options. The instrumentation goes from
     * the JVM to the core: it never passes through here.
     */
    public static Started start(String options) throws java.io.IOException {
        Result result = instrumentation();
        if (result instanceof Unavailable unavailable) {
            return new NotStarted(unavailable.why());
        }
        Attached attached = (Attached) result;
        return new Running(Boot.core().start(options), attached.took(), attached.dynamic(), attached.how());
    }

    static Result instrumentation() {
        if (loaded()) {
            return new Attached(Duration.ZERO, false, "already loaded");
        }
        Optional<String> elsewhere = runningElsewhere();
        if (elsewhere.isPresent()) {
            return new Unavailable(List.of(elsewhere.get()));
        }
        long started = System.nanoTime();
        String javaagent = "start java with -javaagent:" + agentJarHint();
        List<String> why = new ArrayList<>();
        Optional<String> forbidden = forbiddenByFlags();
        if (forbidden.isPresent()) {
            why.add(forbidden.get() + ": " + javaagent + " (or drop that flag)");
            return new Unavailable(why);
        }
        if (ModuleFinder.ofSystem().find("jdk.attach").isEmpty()) {
            why.add("this Java runtime has no jdk.attach module (a trimmed jlink image or JRE): " + javaagent
                    + ", or add jdk.attach to the image");
            return new Unavailable(why);
        }
        Path agentJar;
        try {
            agentJar = agentJar();
        } catch (IOException e) {
            why.add("cannot prepare the agent jar (" + e + "): " + javaagent);
            return new Unavailable(why);
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        if (Boolean.getBoolean("jdk.attach.allowAttachSelf")) {
            try {
                AttachHelper.load(pid, agentJar.toString(), HotswapAgent.LIBRARY);
            } catch (Exception | LinkageError e) {
                why.add("attaching from inside this JVM failed (" + e + ")");
            }
        }
        boolean attached = loaded();
        if (!attached) {
            // The attach protocol spoken to ourselves: no helper JVM to start.
            Optional<String> notHere = SelfAttach.unavailable(reducedSignals(jvmOptions()));
            if (notHere.isEmpty()) {
                SelfAttach.load(ProcessHandle.current().pid(), agentJar, HotswapAgent.LIBRARY)
                        .ifPresent(failed -> why.add("loading the agent in process failed: " + failed));
                attached = loaded();
            }
        }
        if (attached) {
            return new Attached(Duration.ofNanos(System.nanoTime() - started), true, "in process");
        }
        helper(pid, agentJar).ifPresent(why::add);
        attached = loaded();
        if (attached) {
            return new Attached(Duration.ofNanos(System.nanoTime() - started), true, "through a helper JVM");
        }
        if (why.isEmpty()) {
            why.add("the agent loaded but handed over no instrumentation");
        }
        why.add("to swap code in this program, " + javaagent);
        return new Unavailable(why);
    }

    /** Starts a JVM that attaches back to us and loads the agent; empty on success, else why not. */
    private static Optional<String> helper(String pid, Path agentJar) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Optional<Path> ourClasses = codeSource();
        if (ourClasses.isEmpty()) {
            return Optional.of("cannot find hotswap's own classes to start the attach helper");
        }
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xshare:auto", "-cp", ourClasses.get().toString(), AttachHelper.class.getName(),
                pid, agentJar.toString(), HotswapAgent.LIBRARY);
        builder.redirectErrorStream(true);
        // The helper is ours, not the program's: keep the user's JVM options out of it.
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Optional.of("cannot start the attach helper " + java + " (" + e + ")");
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(HELPER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("the attach helper did not finish within " + HELPER_TIMEOUT.toSeconds() + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                return Optional.of("the attach helper failed (exit " + process.exitValue() + "): "
                        + (output.isEmpty() ? "no output" : output.lines().reduce((a, b) -> b).orElse(output)));
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while attaching");
        } catch (IOException e) {
            return Optional.of("cannot read the attach helper's output (" + e + ")");
        } finally {
            process.destroyForcibly();
        }
    }

    /** True when hotswap's core holds this JVM's instrumentation. */
    private static boolean loaded() {
        return Boot.core().instrumented();
    }

    /**
     * Why this copy of hotswap cannot get the instrumentation: the JVM loads every agent through
     * the system class loader, so its instrumentation reaches the core of that loader's copy of
     * hotswap, never this one's (a copy bundled in a Spring Boot executable jar, say); a core hands
     * its instrumentation to nobody.
     */
    private static Optional<String> runningElsewhere() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        ClassLoader ours = Attacher.class.getClassLoader();
        if (ours == system) {
            return Optional.empty();
        }
        return Optional.of("this copy of hotswap is loaded by " + ours + ", but the JVM hands its instrumentation to"
                + " the system class loader's agent: put hotswap.jar on the class path (or use -javaagent:"
                + agentJarHint() + ") instead of bundling it in the application's own jar");
    }

    /** A JVM flag that forbids loading an agent now, read from the command line and the JVM's environment options. */
    private static Optional<String> forbiddenByFlags() {
        List<String> options = jvmOptions();
        if (lastFlag(options, "DisableAttachMechanism").orElse(false)) {
            return Optional.of("this JVM was started with -XX:+DisableAttachMechanism, which forbids loading an agent into it");
        }
        if (reducedSignals(options) && !lastFlag(options, "StartAttachListener").orElse(false)) {
            // Both ways in start the JVM's attach listener with SIGQUIT, which ends a JVM under -Xrs.
            return Optional.of("this JVM was started with -Xrs, under which the signal that starts the attach mechanism"
                    + " would end it");
        }
        if (!lastFlag(options, "EnableDynamicAgentLoading").orElse(true)) {
            return Optional.of("this JVM was started with -XX:-EnableDynamicAgentLoading, which forbids loading an agent into it");
        }
        return Optional.empty();
    }

    /** The JVM's options: its command line and the environment variables the launcher reads. */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            String value = System.getenv(variable);
            if (value != null) {
                options.addAll(List.of(value.trim().split("\\s+")));
            }
        }
        ProcessHandle.current().info().arguments().ifPresent(args -> options.addAll(List.of(args)));
        return options;
    }

    /** True when the JVM leaves signals to the system ({@code -Xrs}): a raised SIGQUIT would end it. */
    private static boolean reducedSignals(List<String> options) {
        return options.contains("-Xrs") || lastFlag(options, "ReduceSignalUsage").orElse(false);
    }

    private static Optional<Boolean> lastFlag(List<String> options, String flag) {
        Optional<Boolean> value = Optional.empty();
        for (String option : options) {
            if (option.equals("-XX:+" + flag)) {
                value = Optional.of(true);
            } else if (option.equals("-XX:-" + flag)) {
                value = Optional.of(false);
            }
        }
        return value;
    }

    /** Where our classes come from: the hotswap jar, or a folder while developing hotswap. */
    static Optional<Path> codeSource() {
        try {
            var source = Attacher.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Text for "-javaagent:..." in messages: our jar's path when we know it. */
    public static String agentJarHint() {
        return codeSource().filter(p -> p.toString().endsWith(".jar")).map(Path::toString).orElse("/path/to/hotswap.jar");
    }

    /**
     * A jar whose manifest names our agent class: our own jar when it has that manifest, otherwise
     * (classes in a folder, or shaded into an application jar) a tiny one made for the purpose;
     * the classes themselves are found on the class path.
     */
    private static Path agentJar() throws IOException {
        Optional<Path> source = codeSource();
        if (source.isPresent() && Files.isRegularFile(source.get())) {
            try (JarFile jar = new JarFile(source.get().toFile())) {
                Manifest manifest = jar.getManifest();
                if (manifest != null && HotswapAgent.class.getName()
                        .equals(manifest.getMainAttributes().getValue("Agent-Class"))) {
                    return source.get();
                }
            }
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Agent-Class", HotswapAgent.class.getName());
        main.putValue("Can-Redefine-Classes", "true");
        main.putValue("Can-Retransform-Classes", "true");
        Path jar = Files.createTempFile("hotswap-agent", ".jar");
        jar.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(jar)) {
            new JarOutputStream(out, manifest).close(); // the manifest is the whole jar
        }
        return jar;
    }
}

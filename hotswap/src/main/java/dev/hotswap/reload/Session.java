package dev.hotswap.reload;

import dev.hotswap.ReloadListener;
import dev.hotswap.base.Fatal;
import dev.hotswap.integration.Frameworks;
import dev.hotswap.reflect.Mirror;
import dev.hotswap.structural.Engine;
import dev.hotswap.watch.BatchInbox;
import dev.hotswap.watch.Debouncer;
import dev.hotswap.watch.DirectoryWatcher;
import dev.hotswap.watch.PollingWatcher;
import dev.hotswap.watch.Watcher;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One running hotswap: a watcher feeding a debouncer feeding the reload pipeline, for as long
 * as it is open. Closing it stops watching; classes already reloaded stay as they are.
 */
public final class Session implements AutoCloseable {
    private static final java.time.Duration WARM_UP_DELAY = java.time.Duration.ofSeconds(5);
    /** The program's start-up is taken to be over once no class loaded for this long. */
    private static final java.time.Duration LOADING_QUIET = java.time.Duration.ofMillis(500);
    /** How often, until the warm-up delay, the warm-up looks whether class loading went quiet. */
    private static final java.time.Duration QUIET_CHECK = java.time.Duration.ofMillis(250);
    /** How long a call that needs the pipeline waits for its making (it takes tens of ms). */
    private static final java.time.Duration PIPELINE_PATIENCE = java.time.Duration.ofSeconds(30);
    private final Instrumentation instrumentation;
    private final Roots roots;
    private final Reporter reporter;
    private final RunningBytes running;
    private final Planting planting;
    private final Options options;
    private final Frameworks frameworks;
    /** The reload pipeline and what feeds it, made on a thread of its own while the program starts. */
    private final CompletableFuture<Pipeline> pipeline = new CompletableFuture<>();
    /** The pipeline's making, run once by {@link #start} on the thread "hotswap-start". */
    private final java.util.concurrent.Callable<Pipeline> pipelineParts;
    private volatile boolean registered;

    /**
     * What watches, batches and reloads. Made off the program's start-up path: only what must see
     * the first class load (reflection's hooks, the planting transformer) is made before {@code main}.
     *
     * @param completeness whether a burst is a whole compile; null when a fixed quiet period or the build's announcement decides
     */
    private record Pipeline(Reloader reloader, Completeness completeness, Debouncer debouncer, Watcher watcher,
                            SessionBean bean) {
    }

    private Session(Instrumentation instrumentation, Options options, List<Path> folders) {
        this.instrumentation = instrumentation;
        this.options = options;
        this.roots = new Roots(folders);
        this.reporter = new Reporter(options, () -> System.err);
        this.running = new RunningBytes(roots);
        RunningBytes bytes = running;
        // Before the first class is planted: reflection leaves the catchers out from the start.
        Optional<Mirror> mirror = Mirror.install(instrumentation, reporter::problem);
        Frameworks followed = new Frameworks(instrumentation, mirror.isPresent(), reporter::problem);
        this.frameworks = followed;
        mirror.ifPresent(m -> m.onSeen(followed::seen));
        java.util.function.Supplier<VersionShape.Choice> shape = VersionShape.ofThisJvm(reporter::problem);
        EngineSlot engine = new EngineSlot(() -> Engine.create(instrumentation,
                type -> bytes.location(type.getProtectionDomain()).flatMap(roots::rootOf).isPresent(),
                type -> bytes.of(type, instrumentation).map(r -> r.bytes), bytes::seen, reporter::problem)
                .map(e -> {
                    e.receivers(followed::addedMethod);
                    e.namedVersions(shape.get().named(), shape.get().saysFallbacks());
                    e.redefinesInPlace(!shape.get().debugger());
                    e.rerunsInitializers(options.statics() == Options.Statics.RERUN);
                    return e;
                }), mirror, shape);
        engine.rerunsInitializers(options.statics() == Options.Statics.RERUN);
        LoadedIndex loaded = new LoadedIndex(instrumentation::getAllLoadedClasses);
        Redefinitions redefinitions = new Redefinitions(instrumentation, running, engine, this::later);
        this.planting = new Planting(running, engine, followed, loaded, redefinitions);
        if (dev.hotswap.structural.Linker.engineRunning()) {
            engine.get(); // an earlier session's engine: classes that load from now on are rewritten for it
        }
        this.pipelineParts = () -> pipeline(instrumentation, options, engine, shape, loaded, redefinitions);
    }

    private Pipeline pipeline(Instrumentation instrumentation, Options options, EngineSlot engine,
                              java.util.function.Supplier<VersionShape.Choice> shape, LoadedIndex loaded,
                              Redefinitions redefinitions) throws IOException {
        History history = new History();
        Teller teller = new Teller(reporter, history);
        // What the completeness check parses, the batch reader takes: each class file parsed once.
        ParsedFiles parsed = new ParsedFiles();
        Reloader reloader = new Reloader(instrumentation, roots, running, reporter, options.retry(), engine, frameworks,
                this::later, loaded, teller, redefinitions, parsed);
        redefinitions.applyWith(reloader::redefinedElsewhere);
        SessionBean bean = new SessionBean(roots.folders(), history, running,
                new Remote(roots, running, loaded, reloader, reporter, history, teller), this::later,
                () -> engine.existing().map(e -> "structural engine, " + (shape.get().named() ? "named" : "hidden")
                        + " versions" + (shape.get().enginesBodies() ? ", bodies too (a debugger is in the JVM)" : ""))
                        .orElse("the JVM's redefinition (the structural engine starts at the first change it needs)"));
        Completeness completeness = options.settle().isPresent() && options.batches().isEmpty() ? new Completeness(roots, parsed) : null;
        Debouncer debouncer = completeness != null
                ? new Debouncer(Options.INCOMPLETE_PATIENCE, options.settle().get(), completeness, reloader)
                : new Debouncer(options.quiet(), reloader);
        Watcher watcher = options.batches().isPresent()
                ? new BatchInbox(options.batches().get(), debouncer::offerComplete, reporter::problem)
                : polls(options)
                ? new PollingWatcher(roots.folders(), options.poll().orElse(Options.DEFAULT_POLL), debouncer::offer,
                        reporter::problem)
                : new DirectoryWatcher(roots.folders(), debouncer::offer, reporter::problem);
        return new Pipeline(reloader, completeness, debouncer, watcher, bean);
    }

    /**
     * The pipeline's warm-up ({@link Reloader#warmUp}), as soon as the program's start-up is over (no
     * class loaded for {@link #LOADING_QUIET}), so that a first edit soon after start finds it warm;
     * at the latest {@link #WARM_UP_DELAY} after start. Looked at every {@link #QUIET_CHECK} until then.
     */
    private void warmUpOnceStarted(Pipeline parts, long started) {
        if (planting.sinceLastLoad() >= LOADING_QUIET.toNanos() || System.nanoTime() - started >= WARM_UP_DELAY.toNanos()) {
            parts.reloader().warmUp(parts.completeness());
        } else {
            later(() -> warmUpOnceStarted(parts, started), QUIET_CHECK);
        }
    }

    /**
     * Runs {@code task} on the reload thread after {@code delay}; asked for before the pipeline is
     * made (another agent's redefinition at start-up), it is scheduled once it is.
     */
    private void later(Runnable task, java.time.Duration delay) {
        pipeline.thenAccept(parts -> parts.debouncer().runLater(task, delay));
    }

    /** Polling when asked for, or where the platform's file events are themselves slow polling. */
    private static boolean polls(Options options) {
        return options.poll().isPresent() || DirectoryWatcher.platformEventsAreSlow();
    }

    /**
     * Starts watching and reloading. Never throws for the program's sake: what goes wrong is
     * printed, and the returned session then watches what it can. Before it returns, every class
     * that loads is seen; the pipeline that watches and reloads is made on a thread of its own
     * (measured: 45-60 ms of a hello world's start-up, on the program's path before).
     *
     * @param instrumentation the agent's instrumentation
     * @param options what to watch and how
     */
    public static Session start(Instrumentation instrumentation, Options options) {
        List<Path> folders = options.watch().isEmpty() ? Roots.fromClassPath(System.getProperties()) : options.watch();
        if (!instrumentation.isRedefineClassesSupported()) {
            throw new IllegalStateException("this agent may not redefine classes: the manifest of the jar that loads it"
                    + " (for Launcher-Agent-Class, the application's jar) needs 'Can-Redefine-Classes: true'");
        }
        Session session = new Session(instrumentation, options, folders);
        options.problems().forEach(p -> session.reporter.problem("hotswap: " + p));
        // Sees every class loaded from now on, so their bytes are known without asking the JVM.
        instrumentation.addTransformer(session.planting, false);
        long started = System.nanoTime();
        Thread maker = new Thread(() -> session.makePipeline(folders, started), "hotswap-start");
        maker.setDaemon(true);
        maker.start();
        if (folders.isEmpty()) {
            session.reporter.problem("hotswap: nothing to watch: no folder on the class path;"
                    + " name one with -Dhotswap.watch=DIR or the agent option watch=DIR");
        }
        return session;
    }

    private void makePipeline(List<Path> folders, long started) {
        Pipeline parts;
        try {
            parts = pipelineParts.call();
        } catch (Exception | LinkageError e) {
            Fatal.rethrowIfFatal(e);
            reporter.problem("hotswap: cannot watch for changed classes (" + e + "); the program runs on as it is");
            pipeline.completeExceptionally(e);
            return;
        }
        // What the configuration files hold now, before any batch: a build that writes them again unchanged is not told.
        parts.debouncer().runLater(parts.reloader()::snapshotResourceFiles, Duration.ZERO);
        // Said once the folders are watched: the first walk runs on the watcher's thread.
        parts.watcher().start(() -> {
            frameworks.startedLate(instrumentation.getAllLoadedClasses());
            if (!folders.isEmpty()) {
                reporter.info("hotswap: watching " + Names.count(folders.size(), "folder", "folders")
                        + " for changed classes" + (parts.watcher() instanceof PollingWatcher ? " (polling)"
                        : parts.watcher() instanceof BatchInbox ? " (as announced in " + parts.watcher().roots().get(0) + ")"
                        : "") + ": "
                        + folders.stream().map(Path::toString).collect(Collectors.joining(", ")));
            }
        });
        pipeline.complete(parts);
        // After the program's own start-up, not during it: it competes for the same cores.
        parts.debouncer().runLater(() -> warmUpOnceStarted(parts, started), QUIET_CHECK);
        // Making the platform MBean server costs start-up tens of ms (measured: 1.43x against 1.32x of no agent):
        // at once where the JDK's JMX agent makes it anyway, else once the program has started.
        boolean jmxAgent = System.getProperty("com.sun.management.jmxremote.port") != null
                || System.getProperty("com.sun.management.jmxremote") != null;
        parts.debouncer().runLater(() -> register(parts.bean()), jmxAgent ? Duration.ZERO : WARM_UP_DELAY);
    }

    /** The pipeline, waited for while it is being made; empty when it could not be. */
    private Optional<Pipeline> parts() {
        try {
            return Optional.of(pipeline.get(PIPELINE_PATIENCE.toNanos(), TimeUnit.NANOSECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public List<Path> folders() {
        return roots.folders();
    }

    public Options options() {
        return options;
    }

    /** {@link dev.hotswap.Hotswap#rollback()}: on the reload thread, waited for. */
    public Optional<dev.hotswap.ReloadOutcome> rollback() {
        Optional<Pipeline> parts = parts();
        if (parts.isEmpty()) {
            reporter.problem("hotswap: nothing to roll back: hotswap could not watch for changed classes");
            return Optional.empty();
        }
        try {
            return parts.get().bean().rollbackOutcome();
        } catch (TimeoutException | ExecutionException e) {
            reporter.problem("hotswap: the rollback did not finish (" + e + ")");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public void addListener(ReloadListener listener) {
        reporter.addListener(listener);
    }

    public void removeListener(ReloadListener listener) {
        reporter.removeListener(listener);
    }

    /** Prints a line at normal verbosity. */
    public void info(String line) {
        reporter.info(line);
    }

    /** The session as {@code dev.hotswap:type=Hotswap}, for {@code push}, {@code status} and the JDK's JMX agent. */
    private void register(SessionBean bean) {
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName name = new javax.management.ObjectName(dev.hotswap.HotswapMXBean.OBJECT_NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // an earlier session's, closed: this one answers now
            }
            server.registerMBean(bean, name);
            registered = true;
        } catch (javax.management.JMException | RuntimeException | LinkageError e) {
            reporter.problem("hotswap: not reachable over JMX (" + e + "); swapping goes on");
        }
    }

    @Override
    public void close() {
        try {
            if (!registered) {
                throw new javax.management.InstanceNotFoundException(); // no MBean server to make for nothing
            }
            javax.management.ObjectName name = new javax.management.ObjectName(dev.hotswap.HotswapMXBean.OBJECT_NAME);
            var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (javax.management.JMException | RuntimeException | LinkageError e) {
            // closing: nothing more to tell
        }
        parts().ifPresent(parts -> {
            parts.watcher().close();
            parts.debouncer().close();
        });
        instrumentation.removeTransformer(planting);
    }
}

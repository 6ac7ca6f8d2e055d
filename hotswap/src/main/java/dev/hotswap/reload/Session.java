package dev.hotswap.reload;

import dev.hotswap.ReloadListener;
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
    private final Instrumentation instrumentation;
    private final Roots roots;
    private final Reporter reporter;
    private final RunningBytes running;
    private final Planting planting;
    private final Debouncer debouncer;
    /** Whether a burst is a whole compile; null when a fixed quiet period or the build's announcement decides. */
    private final Completeness completeness;
    private final Reloader reloader;
    private final Watcher watcher;
    private final Options options;
    private final Frameworks frameworks;
    private final SessionBean bean;
    private volatile boolean registered;

    private Session(Instrumentation instrumentation, Options options, List<Path> folders) throws IOException {
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
        History history = new History();
        Teller teller = new Teller(reporter, history);
        // What the completeness check parses, the batch reader takes: each class file parsed once.
        ParsedFiles parsed = new ParsedFiles();
        this.reloader = new Reloader(instrumentation, roots, running, reporter, options.retry(), engine, followed,
                this::later, loaded, teller, redefinitions, parsed);
        redefinitions.applyWith(reloader::redefinedElsewhere);
        this.bean = new SessionBean(roots.folders(), history, running,
                new Remote(roots, running, loaded, reloader, reporter, history, teller), this::later,
                () -> engine.existing().map(e -> "structural engine, " + (shape.get().named() ? "named" : "hidden")
                        + " versions" + (shape.get().enginesBodies() ? ", bodies too (a debugger is in the JVM)" : ""))
                        .orElse("the JVM's redefinition (the structural engine starts at the first change it needs)"));
        if (dev.hotswap.structural.Linker.engineRunning()) {
            engine.get(); // an earlier session's engine: classes that load from now on are rewritten for it
        }
        this.completeness = options.settle().isPresent() && options.batches().isEmpty() ? new Completeness(roots, parsed) : null;
        this.debouncer = completeness != null
                ? new Debouncer(Options.INCOMPLETE_PATIENCE, options.settle().get(), completeness, reloader)
                : new Debouncer(options.quiet(), reloader);
        later(reloader::snapshotResourceFiles, java.time.Duration.ZERO);
        this.watcher = options.batches().isPresent()
                ? new BatchInbox(options.batches().get(), debouncer::offerComplete, reporter::problem)
                : polls(options)
                ? new PollingWatcher(roots.folders(), options.poll().orElse(Options.DEFAULT_POLL), debouncer::offer,
                        reporter::problem)
                : new DirectoryWatcher(roots.folders(), debouncer::offer, reporter::problem);
    }

    /**
     * The pipeline's warm-up ({@link Reloader#warmUp}), as soon as the program's start-up is over (no
     * class loaded for {@link #LOADING_QUIET}), so that a first edit soon after start finds it warm;
     * at the latest {@link #WARM_UP_DELAY} after start. Looked at every {@link #QUIET_CHECK} until then.
     */
    private void warmUpOnceStarted(long started) {
        if (planting.sinceLastLoad() >= LOADING_QUIET.toNanos() || System.nanoTime() - started >= WARM_UP_DELAY.toNanos()) {
            reloader.warmUp(completeness);
        } else {
            later(() -> warmUpOnceStarted(started), QUIET_CHECK);
        }
    }

    /** Runs {@code task} on the reload thread after {@code delay} (the debouncer's executor, once the session is made). */
    private void later(Runnable task, java.time.Duration delay) {
        debouncer.runLater(task, delay);
    }

    /** Polling when asked for, or where the platform's file events are themselves slow polling. */
    private static boolean polls(Options options) {
        return options.poll().isPresent() || DirectoryWatcher.platformEventsAreSlow();
    }

    /**
     * Starts watching and reloading. Never throws for the program's sake: what goes wrong is
     * printed, and the returned session then watches what it can.
     *
     * @param instrumentation the agent's instrumentation
     * @param options what to watch and how
     */
    public static Session start(Instrumentation instrumentation, Options options) throws IOException {
        List<Path> folders = options.watch().isEmpty() ? Roots.fromClassPath(System.getProperties()) : options.watch();
        if (!instrumentation.isRedefineClassesSupported()) {
            throw new IllegalStateException("this agent may not redefine classes: the manifest of the jar that loads it"
                    + " (for Launcher-Agent-Class, the application's jar) needs 'Can-Redefine-Classes: true'");
        }
        Session session = new Session(instrumentation, options, folders);
        options.problems().forEach(p -> session.reporter.problem("hotswap: " + p));
        // Sees every class loaded from now on, so their bytes are known without asking the JVM.
        instrumentation.addTransformer(session.planting, false);
        // Said once the folders are watched: the first walk runs on the watcher's thread, not the program's.
        session.watcher.start(() -> {
            session.frameworks.startedLate(instrumentation.getAllLoadedClasses());
            if (!folders.isEmpty()) {
                session.reporter.info("hotswap: watching " + Names.count(folders.size(), "folder", "folders")
                        + " for changed classes" + (session.watcher instanceof PollingWatcher ? " (polling)"
                        : session.watcher instanceof BatchInbox ? " (as announced in " + session.watcher.roots().get(0) + ")"
                        : "") + ": "
                        + folders.stream().map(Path::toString).collect(Collectors.joining(", ")));
            }
        });
        // After the program's own start-up, not during it: it competes for the same cores.
        long started = System.nanoTime();
        session.debouncer.runLater(() -> session.warmUpOnceStarted(started), QUIET_CHECK);
        // Making the platform MBean server costs start-up tens of ms (measured: 1.43x against 1.32x of no agent):
        // at once where the JDK's JMX agent makes it anyway, else once the program has started.
        boolean jmxAgent = System.getProperty("com.sun.management.jmxremote.port") != null
                || System.getProperty("com.sun.management.jmxremote") != null;
        session.debouncer.runLater(session::register, jmxAgent ? Duration.ZERO : WARM_UP_DELAY);
        if (folders.isEmpty()) {
            session.reporter.problem("hotswap: nothing to watch: no folder on the class path;"
                    + " name one with -Dhotswap.watch=DIR or the agent option watch=DIR");
        }
        return session;
    }

    public List<Path> folders() {
        return roots.folders();
    }

    public Options options() {
        return options;
    }

    /** {@link dev.hotswap.Hotswap#rollback()}: on the reload thread, waited for. */
    public Optional<dev.hotswap.ReloadOutcome> rollback() {
        try {
            return bean.rollbackOutcome();
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
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
    private void register() {
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
        watcher.close();
        debouncer.close();
        instrumentation.removeTransformer(planting);
    }
}

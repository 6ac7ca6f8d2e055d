package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.Classifier;
import dev.hotswap.classfile.InvalidClassFileException;
import dev.hotswap.classfile.LinkCheck;
import dev.hotswap.structural.Engine;
import dev.hotswap.structural.Problem;
import dev.hotswap.integration.Swap;
import dev.hotswap.watch.Debouncer;
import dev.hotswap.watch.FileTree;
import dev.hotswap.watch.Timings;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pipeline for one batch of changed class files, in one direction: read
 * ({@link BatchReader}), take held files back in ({@link HeldFiles}), name anonymous classes as
 * they run ({@link AnonymousNaming}), plan ({@link Planner}), apply ({@link Applier}); its
 * {@link BatchResult} goes back to whoever handed the batch over, which tells it once
 * ({@link Teller}). Runs on the reload thread only.
 */
final class Reloader implements Debouncer.BatchHandler {
    private final Instrumentation instrumentation;
    private final Roots roots;
    private final RunningBytes running;
    private final Reporter reporter;
    private final Duration giveUpAfter;
    private final EngineSlot engine;
    /** Whether the engine was asked for after a first swap (see planAndApply); on the batch thread only. */
    private boolean enginePrepared;
    private final LoadedIndex loadedIndex;
    private final Teller teller;
    private final dev.hotswap.integration.Frameworks frameworks;
    private final java.util.function.BiConsumer<Runnable, Duration> later;
    /** Classes whose class files were deleted and have not come back: reload thread only. */
    private final Set<String> removed = new java.util.HashSet<>();
    private final Deletions deletions = new Deletions();
    private boolean deletionCheck;
    /** Made at the first batch (or the warm-up), not at start-up, which it would only slow down. */
    private Parts parts;

    /** The pipeline's stages. */
    private record Parts(BatchReader reader, HeldFiles held, AnonymousNaming naming, Planner planner, Applier applier) {
    }

    private final ResourceFiles resourceFiles;
    private final Redefinitions redefinitions;
    private final ParsedFiles parsed;

    Reloader(Instrumentation instrumentation, Roots roots, RunningBytes running, Reporter reporter, Duration giveUpAfter,
             EngineSlot engine, dev.hotswap.integration.Frameworks frameworks,
             java.util.function.BiConsumer<Runnable, Duration> later, LoadedIndex loadedIndex, Teller teller,
             Redefinitions redefinitions, ParsedFiles parsed) {
        this.parsed = parsed;
        this.teller = teller;
        this.redefinitions = redefinitions;
        this.resourceFiles = new ResourceFiles();
        this.loadedIndex = loadedIndex;
        this.frameworks = frameworks;
        this.later = later;
        this.instrumentation = instrumentation;
        this.roots = roots;
        this.running = running;
        this.reporter = reporter;
        this.giveUpAfter = giveUpAfter;
        this.engine = engine;
    }

    /** Records the configuration files of the watched folders as they are: on the reload thread, after start. */
    void snapshotResourceFiles() {
        resourceFiles.snapshot(roots.folders());
    }

    private Parts parts() {
        if (parts == null) {
            parts = new Parts(new BatchReader(roots, giveUpAfter, parsed), new HeldFiles(reporter::detail),
                    new AnonymousNaming(instrumentation, running, roots, engine, reporter::detail),
                    new Planner(jvm(), structural(), reporter::detail), new Applier(instrumentation, running, reporter, engine, frameworks, later,
                    redefinitions));
        }
        return parts;
    }

    private Planner.Jvm jvm() {
        return new Planner.Jvm() {
            @Override
            public Map<String, List<Class<?>>> loaded(Set<String> names) {
                return loadedIndex.of(names);
            }

            @Override
            public boolean isModifiable(Class<?> type) {
                return instrumentation.isModifiableClass(type);
            }

            @Override
            public Optional<RunningBytes.Running> running(Class<?> type) {
                return running.of(type, instrumentation);
            }

            @Override
            public Optional<Path> location(Class<?> type) {
                return running.location(type.getProtectionDomain());
            }

            @Override
            public LinkCheck.Classes linkView(Map<String, ClassModel> batch, ClassLoader loader) {
                return new LinkClasses(batch, loader, running, instrumentation);
            }
        };
    }

    private Planner.Structural structural() {
        return new Planner.Structural() {
            @Override
            public boolean available() {
                return engine.get().isPresent();
            }

            @Override
            public boolean rerunsInitializers() {
                return engine.rerunsInitializers();
            }

            @Override
            public boolean takesBodies(Class<?> type) {
                return engine.takesBodies(type);
            }

            @Override
            public boolean manages(Class<?> type) {
                // An earlier session's engine took classes over: they stay its own.
                return engine.existing().filter(e -> e.manages(type)).isPresent();
            }

            @Override
            public List<Problem> unsupported(Class<?> type, ClassModel running, ClassModel next) {
                return engine.get().orElseThrow().unsupported(type, running, next);
            }
        };
    }

    /**
     * Runs the pipeline's code once, up to the plan, so that the first real swap does not pay for
     * loading and interpreting it (measured: 130 ms for the first swap after the old warm-up,
     * which only parsed and classified): the completeness check and the reader on a class file of
     * the watched folders, and the planner on our own class file, placed as if it were in the
     * first watched folder, which it refuses (a class not loaded from there), and the checks a body
     * change goes through, on our own class unchanged. Nothing is applied,
     * nothing is told; only the lookup of loaded classes keeps what it found.
     */
    void warmUp(Debouncer.Completion completion) {
        parts();
        try (var in = Reloader.class.getResourceAsStream("Reloader.class")) {
            if (in != null) {
                byte[] bytes = in.readAllBytes();
                ClassModel model = ClassModel.parse(bytes);
                Classifier.diff(model, ClassModel.parse(bytes));
                Reporter.line(new ReloadOutcome.Reloaded(List.of("warm.Up"), Duration.ZERO), "");
                if (!roots.folders().isEmpty()) {
                    List<Candidate> ours = List.of(new Candidate(roots.folders().get(0).resolve(model.name() + ".class"), bytes, model));
                    Planner planner = new Planner(jvm(), structural(), line -> { });
                    planner.precheck(ours);
                    planner.plan(new AnonymousNaming(instrumentation, running, roots, engine, line -> { }).name(ours));
                }
                // What the plan and the commit run for a body change (pure: nothing is defined or redefined).
                Engine.changedStatics(bytes, bytes);
                LinkCheck.check(bytes, Optional.of(bytes), new LinkClasses(Map.of(model.name(), model),
                        Reloader.class.getClassLoader(), running, instrumentation));
                dev.hotswap.structural.Catchers.replant(Reloader.class, bytes);
                dev.hotswap.structural.WarmUp.writers(bytes); // what the engine's first take of a class writes
            }
            Optional<Path> file = FileTree.firstClassFile(roots.folders());
            if (file.isPresent()) {
                if (completion != null) {
                    completion.isComplete(Set.of(file.get()));
                }
                new BatchReader(roots, giveUpAfter, new ParsedFiles()).read(Set.of(file.get()));
                parsed.drop(file.get()); // the check's parse of a file that is no batch
            }
        } catch (IOException | InvalidClassFileException | RuntimeException | LinkageError e) {
            // only a head start: the first swap will do the same work anyway
        }
    }

    /** Hands the deletions that have settled to the frameworks; looks again while some have not. */
    private void settleDeletions() {
        deletionCheck = false;
        long now = System.nanoTime();
        List<String> gone = deletions.settled(now);
        if (!gone.isEmpty()) {
            removed.addAll(gone);
            teller.tell(parts().applier().others(List.of(), List.of(), gone, now), BatchResult.Origin.BUILD);
        }
        if (!deletions.isEmpty()) {
            deletionCheck = true;
            later.accept(this::settleDeletions, Deletions.QUIET);
        }
    }

    private static Planner.Plan withFresh(Planner.Plan plan, List<String> back) {
        List<String> fresh = new java.util.ArrayList<>(back);
        if (plan instanceof Planner.Plan.Apply apply) {
            fresh.addAll(apply.fresh());
            return new Planner.Plan.Apply(apply.targets(), apply.toDefine(), apply.names(), fresh);
        }
        if (plan instanceof Planner.Plan.Nothing nothing) {
            fresh.addAll(nothing.fresh());
            return new Planner.Plan.Nothing(fresh);
        }
        return plan;
    }

    /** A build's files: run through the pipeline, told, or handed over again later while one is being written. */
    @Override
    public Optional<Duration> handle(Set<Path> files) {
        BatchResult result = run(files);
        if (result instanceof BatchResult.Retry retry) {
            reporter.detail(retry.detail());
            return Optional.of(retry.after());
        }
        teller.tell((BatchResult.Done) result, BatchResult.Origin.BUILD);
        return Optional.empty();
    }

    /** The pipeline for a batch of files: its result, nothing told yet. */
    BatchResult run(Set<Path> files) {
        long started = System.nanoTime();
        Parts p = parts();
        // Configuration files go to the frameworks with the batch's classes; the rest of the pipeline reads class files.
        List<Swap.Resource> resources = new java.util.ArrayList<>();
        Set<Path> batch = new java.util.HashSet<>();
        for (Path file : files) {
            Optional<Path> root = roots.rootOf(file);
            if (file.toString().endsWith(".class") && root.isPresent() && java.nio.file.Files.notExists(file)) {
                // Deleted: the JVM keeps the class; a framework may drop what it made of it once the
                // deletion settles (Deletions). A whole output folder, or package folder, deleted
                // (mvn clean) is a build starting over, not classes removed.
                if (java.nio.file.Files.isDirectory(root.get()) && java.nio.file.Files.isDirectory(file.getParent())) {
                    String name = root.get().relativize(file).toString().replace(java.io.File.separatorChar, '.');
                    deletions.deleted(file, name.substring(0, name.length() - ".class".length()));
                }
            } else if (FileTree.isResourceFile(file)) {
                if (!resourceFiles.changed(file)) {
                    continue; // written again with the same bytes: nothing to tell
                }
                root.ifPresent(r -> resources.add(new Swap.Resource(
                        r.relativize(file).toString().replace(java.io.File.separatorChar, '/'), file)));
            } else {
                batch.add(file);
            }
        }
        resources.sort(java.util.Comparator.comparing(Swap.Resource::name));
        deletions.batch(started, batch.stream().anyMatch(java.nio.file.Files::exists));
        if (!deletions.isEmpty() && !deletionCheck) {
            deletionCheck = true;
            later.accept(this::settleDeletions, Deletions.QUIET);
        }
        if (batch.isEmpty()) {
            return p.applier().others(List.of(), resources, List.of(), started);
        }
        BatchReader.Read read = p.reader().read(batch);
        Timings.mark(Timings.Stage.READ);
        if (read instanceof BatchReader.Read.Waiting waiting) {
            return new BatchResult.Retry(waiting.retry(), "hotswap: waiting for " + waiting.file().getFileName()
                    + " to be written completely");
        }
        if (read instanceof BatchReader.Read.GaveUp gaveUp) {
            return BatchResult.Done.told(gaveUp.outcome(),
                    "the batch goes in whole or not at all; recompile and the next complete build is applied");
        }
        return planAndApply(p, p.held().join(((BatchReader.Read.Ready) read).candidates()), resources, started);
    }

    /**
     * Classes another agent asked the JVM to redefine (a debugger's HotSwap), which ran on as they
     * were ({@link Redefinitions}): their bytes go in as a batch, as if the build had written them.
     */
    void redefinedElsewhere(Map<Class<?>, byte[]> requested) {
        long started = System.nanoTime();
        List<Candidate> candidates = new java.util.ArrayList<>();
        List<ReloadOutcome.Reason> unreadable = new java.util.ArrayList<>();
        for (Map.Entry<Class<?>, byte[]> e : requested.entrySet()) {
            String name = e.getKey().getName();
            Optional<Path> root = running.location(e.getKey().getProtectionDomain()).flatMap(roots::rootOf);
            try {
                ClassModel model = ClassModel.parse(e.getValue());
                if (root.isPresent() && model.javaName().equals(name)) {
                    candidates.add(new Candidate(root.get().resolve(model.name() + ".class"), e.getValue(), model));
                    continue;
                }
                unreadable.add(new ReloadOutcome.Reason(name, "", "the bytes a debugger asked to redefine it with hold "
                        + model.javaName(), ReloadOutcome.Kind.UNREADABLE_CLASS_FILE));
            } catch (InvalidClassFileException | RuntimeException ex) {
                unreadable.add(new ReloadOutcome.Reason(name, "", "the bytes a debugger asked to redefine it with are not"
                        + " a class file (" + ex.getMessage() + ")", ReloadOutcome.Kind.UNREADABLE_CLASS_FILE));
            }
        }
        if (!unreadable.isEmpty()) {
            teller.tell(BatchResult.Done.told(new ReloadOutcome.Refused(requested.keySet().stream().map(Class::getName).sorted()
                    .toList(), unreadable), "nothing was applied"), BatchResult.Origin.DEBUGGER);
        } else if (!candidates.isEmpty()) {
            teller.tell(planAndApply(parts(), candidates, List.of(), started), BatchResult.Origin.DEBUGGER);
        }
    }

    /** Plans and applies candidates; the held files learn what became of them once it is told. */
    private BatchResult.Done planAndApply(Parts p, List<Candidate> candidates, List<Swap.Resource> resources, long started) {
        Set<String> unswappable = Set.of();
        BatchResult.Done result;
        try {
            Optional<Planner.Plan.Refuse> bad = p.planner().precheck(candidates);
            Planner.Plan plan = bad.isPresent() ? bad.get() : p.planner().plan(p.naming().name(candidates));
            // A class whose file comes back after it was deleted is new again to the frameworks.
            List<String> back = candidates.stream().map(Candidate::name).filter(removed::remove).toList();
            plan = back.isEmpty() ? plan : withFresh(plan, back);
            Timings.mark(Timings.Stage.PLAN);
            if (plan instanceof Planner.Plan.Refuse refuse) {
                unswappable = refuse.unswappable();
                result = Applier.refuse(refuse.wouldChange(), refuse.reasons(), refuse.hint());
            } else if (plan instanceof Planner.Plan.Apply apply) {
                result = p.applier().apply(apply, resources, List.of(), started);
                if (!result.nothingWentIn() && !enginePrepared) {
                    // Someone is editing: the engine and reflection's hooks (some 100 ms, most of it the JDK's
                    // classes retransformed) are made after this swap was told, not during the swap that
                    // first needs them (a class's third body swap, or the first structural one).
                    enginePrepared = true;
                    result = result.then(() -> later.accept(engine::get, Duration.ZERO));
                }
            } else {
                result = p.applier().others(((Planner.Plan.Nothing) plan).fresh(), resources, List.of(), started);
            }
        } catch (RuntimeException | LinkageError e) {
            // A bug of ours: told (line, listeners, events) with its cause; nothing was applied.
            result = Applier.internalError(candidates.stream().map(Candidate::name).sorted().toList(), "planning", e);
        }
        boolean nothingWentIn = result.nothingWentIn();
        Set<String> keep = unswappable;
        return result.then(() -> {
            p.held().settle(candidates, nothingWentIn, keep);
            Timings.batchDone(candidates.size());
        });
    }
}

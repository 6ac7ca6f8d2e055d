package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.AnnotationText;
import dev.hotswap.integration.Frameworks;
import dev.hotswap.integration.Integration;
import dev.hotswap.integration.Swap;
import dev.hotswap.structural.Catchers;
import dev.hotswap.structural.Engine;
import dev.hotswap.structural.Problem;
import dev.hotswap.watch.Timings;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies a planned batch: through the structural engine (a transaction: it goes in whole or not
 * at all) or, when no class needs it and none is under it, with the JVM's own
 * {@code redefineClasses}; records what runs now and has the frameworks follow; returns the
 * outcome, with the hooks to run once it is told ({@link BatchResult.Done}). A failure of the JVM's
 * ({@code VerifyError}, ...) and one of hotswap's own are told apart. Reload thread only.
 */
final class Applier {
    private final Instrumentation instrumentation;
    private final RunningBytes running;
    private final EngineSlot engine;
    private final Hooks hooks;
    private final Frameworks frameworks;
    private final java.util.function.BiConsumer<Runnable, Duration> later;
    private final Redefinitions redefinitions;
    /** When the calls that straddled a batch have ended, so that what they cached can be dropped again. */
    static final Duration SETTLE_DELAY = Duration.ofMillis(500);

    Applier(Instrumentation instrumentation, RunningBytes running, Reporter reporter, EngineSlot engine,
            Frameworks frameworks, java.util.function.BiConsumer<Runnable, Duration> later, Redefinitions redefinitions) {
        this.redefinitions = redefinitions;
        this.later = later;
        this.instrumentation = instrumentation;
        this.running = running;
        this.engine = engine;
        this.hooks = new Hooks(reporter, engine);
        this.frameworks = frameworks;
    }

    /** Applies a planned batch: its outcome, with its hooks to run once that is told. */
    BatchResult.Done apply(Planner.Plan.Apply plan, List<Swap.Resource> resources, List<String> removed, long started) {
        List<Planner.Target> targets = plan.targets();
        List<Candidate> toDefine = plan.toDefine();
        Optional<Map<String, String>> names = plan.names();
        List<ClassDefinition> plain = new ArrayList<>();
        List<Engine.Structural> structural = new ArrayList<>();
        for (Planner.Target t : targets) {
            if (t.structural()) {
                RunningBytes.Running now = t.running().orElseThrow();
                structural.add(new Engine.Structural(t.type(), now.bytes, now.model().orElseThrow(),
                        t.candidate().bytes(), t.candidate().model()));
            } else {
                plain.add(new ClassDefinition(t.type(), t.candidate().bytes()));
            }
        }
        List<Engine.NewClass> added = new ArrayList<>();
        for (Candidate c : toDefine) {
            String host = c.model().nestHost().orElse(c.model().name());
            targets.stream().filter(t -> t.type().getName().replace('.', '/').equals(host)).findFirst()
                    .ifPresent(t -> added.add(new Engine.NewClass(t.type(), c.model().name(), c.bytes())));
        }
        List<String> classes = new ArrayList<>(targets.stream().map(t -> t.candidate().name()).distinct().toList());
        added.forEach(c -> classes.add(c.name().replace('/', '.')));
        classes.sort(null);
        Engine.Result result;
        try {
            Optional<Engine> engine = structural.isEmpty() ? this.engine.existing() : this.engine.get();
            if (engine.isEmpty()) {
                List<ClassDefinition> definitions = plain.stream().map(d -> new ClassDefinition(d.getDefinitionClass(),
                        Catchers.replant(d.getDefinitionClass(), d.getDefinitionClassFile()))).toList();
                // One call for the whole batch: the JDK promises that on any exception nothing changed.
                try {
                    redefinitions.redefine(definitions.toArray(ClassDefinition[]::new));
                } catch (Exception | LinkageError e) {
                    throw new Engine.CommitFailed(e);
                }
                result = new Engine.Result.Applied(List.of());
            } else {
                // Through the engine even for bodies only: rewritten as each class would be at load.
                result = engine.orElseThrow().apply(plain, structural, added, names);
            }
        } catch (Engine.CommitFailed e) {
            Throwable cause = e.getCause();
            return BatchResult.Done.told(new ReloadOutcome.Failed(classes, List.of(failure(cause, classes)), Optional.of(cause)),
                    failureHint(cause));
        } catch (RuntimeException | LinkageError e) {
            return internalError(classes, "preparing", e);
        }
        Timings.mark(Timings.Stage.COMMIT);
        if (result instanceof Engine.Result.Applied) {
            plain.forEach(d -> engine.redefined(d.getDefinitionClass()));
        }
        if (result instanceof Engine.Result.Refused refused) {
            return refuse(classes, refused.problems().stream().map(Problem::reason).toList(),
                    "the structural engine cannot take this change yet: undo it, or restart the program");
        }
        List<Reason> warnings = new ArrayList<>(((Engine.Result.Applied) result).warnings().stream().map(Problem::reason).toList());
        // The batch went in: what runs is what the next compile is compared with, warnings or not.
        Map<java.nio.file.Path, Optional<byte[]>> replaced = new java.util.LinkedHashMap<>();
        targets.forEach(t -> replaced.put(t.candidate().file(), t.running().map(r -> r.bytes)));
        toDefine.forEach(c -> replaced.put(c.file(), Optional.empty()));
        List<Swap.Changed> changed = new ArrayList<>();
        for (Planner.Target t : targets) {
            changed.add(changed(t, warnings));
            running.put(t.type(), new RunningBytes.Running(t.candidate().bytes(), t.candidate().model()));
        }
        // Frameworks follow before the outcome is told: "reloaded" means the program, framework included, runs the new source.
        Integration.Followed followed = follow(new Swap(changed, plan.fresh(), resources, removed), classes);
        // An added field left at its default for objects made before: not so for those a framework rebuilt or refilled.
        warnings.removeIf(w -> w.kind() == Kind.FIELD_NOT_INITIALIZED && followed.taken().contains(w.className()));
        warnings.addAll(followed.warnings());
        for (String taken : followed.taken()) {
            if (!classes.contains(taken)) {
                classes.add(taken);
            }
        }
        classes.sort(null);
        classes.addAll(followed.read());
        Timings.mark(Timings.Stage.PUBLISH);
        return BatchResult.Done.told(new ReloadOutcome.Reloaded(classes, Duration.ofNanos(System.nanoTime() - started),
                        warnings), reinitialized(((Engine.Result.Applied) result).reinitialized()))
                .withNotes(followed.notes().stream().map(note -> "hotswap: " + note).toList())
                .withReplaced(replaced)
                .then(() -> {
                    later.accept(frameworks::settle, SETTLE_DELAY);
                    for (Planner.Target t : targets) {
                        hooks.run(t);
                    }
                });
    }

    /** {@code static initializer re-run for P, LIMITS}: the statics of one class by name, of several by class and name. */
    static String reinitialized(List<String> statics) {
        if (statics.isEmpty()) {
            return "";
        }
        java.util.Set<String> owners = new java.util.HashSet<>();
        statics.forEach(s -> owners.add(s.substring(0, s.lastIndexOf('.'))));
        List<String> names = statics.stream().map(s -> owners.size() == 1 ? s.substring(s.lastIndexOf('.') + 1)
                : s.substring(s.lastIndexOf('.', s.lastIndexOf('.') - 1) + 1)).toList();
        return (owners.size() == 1 ? "static initializer" : "static initializers") + " re-run for " + String.join(", ", names);
    }

    /**
     * A batch that swaps no loaded class: new classes nothing has loaded yet, which a framework
     * may take in (a new controller, a new component), and configuration files, which a
     * framework may read again. Told as reloaded when a framework took something in.
     */
    BatchResult.Done others(List<String> fresh, List<Swap.Resource> resources, List<String> removed, long started) {
        if (fresh.isEmpty() && resources.isEmpty() && removed.isEmpty()) {
            return BatchResult.Done.nothing();
        }
        Integration.Followed followed;
        List<String> names = new ArrayList<>(fresh);
        resources.forEach(r -> names.add(r.name()));
        try {
            followed = frameworks.afterSwap(new Swap(List.of(), fresh, resources, removed));
        } catch (RuntimeException | LinkageError e) {
            return internalError(names, "handing to frameworks", e);
        }
        List<String> done = new ArrayList<>(followed.taken());
        done.sort(null);
        done.addAll(followed.read());
        BatchResult.Done result = !done.isEmpty() || !followed.warnings().isEmpty()
                ? BatchResult.Done.told(new ReloadOutcome.Reloaded(done, Duration.ofNanos(System.nanoTime() - started),
                        followed.warnings()), "")
                : !resources.isEmpty()
                ? BatchResult.Done.detail("hotswap: no framework reads "
                        + Names.shown(resources.stream().map(Swap.Resource::name).toList()))
                : BatchResult.Done.nothing();
        return result.withNotes(followed.notes().stream().map(note -> "hotswap: " + note).toList());
    }

    /**
     * The frameworks' answer to a batch that went in. A bug of ours there must not turn a swap that
     * went in into a failure: it is a warning on the outcome.
     */
    private Integration.Followed follow(Swap swap, List<String> classes) {
        try {
            return frameworks.afterSwap(swap);
        } catch (RuntimeException | LinkageError e) {
            return new Integration.Followed(List.of(new Reason(classes.size() == 1 ? classes.get(0) : "", "",
                    "hotswap failed while the frameworks followed the batch (" + e + "): the new code runs, but a framework"
                    + " may still see the classes as before; restart to be sure", Kind.FRAMEWORK_FAILED)), List.of());
        }
    }

    /** {@code t} as followers see it, with the fields the engine's warnings say objects made before read at their default. */
    private static Swap.Changed changed(Planner.Target t, List<Reason> warnings) {
        java.util.Set<String> leftAtDefault = new java.util.HashSet<>();
        warnings.stream().filter(w -> w.kind() == Kind.FIELD_NOT_INITIALIZED && w.className().equals(t.type().getName()))
                .forEach(w -> leftAtDefault.add(w.member()));
        return new Swap.Changed(t.type(), t.changes(), new Compared(t.running(), t.candidate(), leftAtDefault));
    }

    /** A class's two versions compared as a follower asks, each answer once (reload thread only). */
    private static final class Compared implements Swap.Facts {
        private final Optional<RunningBytes.Running> before;
        private final Candidate after;
        private final java.util.Set<String> leftAtDefault;
        private Boolean annotations;
        private java.util.Set<String> bodies;

        Compared(Optional<RunningBytes.Running> before, Candidate after, java.util.Set<String> leftAtDefault) {
            this.before = before;
            this.after = after;
            this.leftAtDefault = java.util.Set.copyOf(leftAtDefault);
        }

        @Override
        public java.util.Set<String> fieldsLeftAtDefault() {
            return leftAtDefault;
        }

        @Override
        public boolean annotationsChanged() {
            if (annotations == null) {
                try {
                    annotations = before.map(r -> !AnnotationText.of(r.bytes).equals(AnnotationText.of(after.bytes())))
                            .orElse(true);
                } catch (RuntimeException e) {
                    annotations = true; // unreadable old bytes: a framework should look again
                }
            }
            return annotations;
        }

        @Override
        public java.util.Set<String> bodiesChanged() {
            if (bodies == null) {
                Map<String, Long> old = before.flatMap(RunningBytes.Running::model).map(dev.hotswap.classfile.ClassModel::bodyHashes).orElse(Map.of());
                java.util.Set<String> changed = new java.util.HashSet<>();
                after.model().bodyHashes().forEach((method, hash) -> {
                    if (!hash.equals(old.get(method))) {
                        changed.add(method);
                    }
                });
                bodies = java.util.Set.copyOf(changed);
            }
            return bodies;
        }
    }

    private static Reason failure(Throwable e, List<String> names) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("").strip();
        String className = names.stream().filter(message::contains).findFirst().orElse(names.size() == 1 ? names.get(0) : "");
        return new Reason(className, "", e.getClass().getName() + (message.isEmpty() ? "" : ": " + message),
                Kind.JVM_REJECTED);
    }

    private static String failureHint(Throwable e) {
        if (e instanceof VerifyError) {
            return "the new bytecode does not pass the JVM's verifier; rebuild it";
        }
        if (e instanceof ClassFormatError) {
            return "the JVM rejected the class file; rebuild it";
        }
        if (e instanceof UnsupportedOperationException) {
            return "the JVM refused a change that only a restart can apply";
        }
        return "";
    }

    /** A bug of ours, not the JVM's refusal: said so, with the cause kept for tools; nothing was applied. */
    static BatchResult.Done internalError(List<String> classes, String stage, Throwable e) {
        return BatchResult.Done.told(new ReloadOutcome.Failed(classes, List.of(new Reason(classes.size() == 1 ? classes.get(0) : "",
                "", "hotswap failed while " + stage + " the batch: " + e + where(e), Kind.INTERNAL_ERROR)), Optional.of(e)),
                "a bug in hotswap; nothing was applied; please report it with this line");
    }

    /** Where in hotswap the bug is: its own frame nearest the throw, for the report. */
    private static String where(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            // Past the shaded ASM, to the code of ours that called it.
            if (frame.getClassName().startsWith("dev.hotswap.") && !frame.getClassName().startsWith("dev.hotswap.shaded.")) {
                return " (at " + frame.getClassName() + "." + frame.getMethodName() + ":" + frame.getLineNumber() + ")";
            }
        }
        return "";
    }

    /** Refuses the batch; names the classes it would have changed and those with a reason. */
    static BatchResult.Done refuse(List<String> wouldChange, List<Reason> reasons, String hint) {
        Set<String> classes = new LinkedHashSet<>(wouldChange);
        reasons.forEach(r -> classes.add(r.className()));
        List<String> sorted = new ArrayList<>(classes);
        sorted.sort(null);
        return BatchResult.Done.told(new ReloadOutcome.Refused(sorted, reasons), hint);
    }
}

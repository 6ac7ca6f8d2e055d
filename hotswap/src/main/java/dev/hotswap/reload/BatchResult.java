package dev.hotswap.reload;

import dev.hotswap.ReloadOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What became of one batch, returned by the pipeline ({@link Reloader#run}) to whoever handed the
 * batch over, which tells it once ({@link Reloader#tell}) with the batch's {@link Origin}: the
 * reload thread for a build's files, {@link Remote} for JMX and rollbacks, a debugger's redefinitions.
 */
sealed interface BatchResult {

    /** Where a batch came from, as the session's history and its MXBean name it. */
    enum Origin {
        BUILD("build"), DEBUGGER("debugger"), JMX("jmx"), ROLLBACK("rollback");

        final String label;

        Origin(String label) {
            this.label = label;
        }
    }

    /** A file of the batch was still being written ({@code detail} says which): hand it over again after {@code after}. */
    record Retry(Duration after, String detail) implements BatchResult {
    }

    /**
     * The batch is done.
     *
     * @param outcome what to tell; empty when there is nothing to tell (a build that changed nothing loaded)
     * @param hint what the outcome's line ends with
     * @param detail said at detail verbosity when there is no outcome
     * @param notes lines told after the outcome
     * @param replaced for a batch that went in: each class file it replaced and its previous bytes
     *                 (absent: a class it added), what a rollback puts back
     * @param then what runs once the outcome is told (the program's {@code @OnReload} hooks, ...)
     */
    record Done(Optional<ReloadOutcome> outcome, String hint, Optional<String> detail, List<String> notes,
                Map<Path, Optional<byte[]>> replaced, Runnable then) implements BatchResult {

        static Done nothing() {
            return new Done(Optional.empty(), "", Optional.empty(), List.of(), Map.of(), () -> { });
        }

        static Done told(ReloadOutcome outcome, String hint) {
            return new Done(Optional.of(outcome), hint, Optional.empty(), List.of(), Map.of(), () -> { });
        }

        static Done detail(String detail) {
            return new Done(Optional.empty(), "", Optional.of(detail), List.of(), Map.of(), () -> { });
        }

        Done withNotes(List<String> more) {
            List<String> all = new ArrayList<>(notes);
            all.addAll(more);
            return new Done(outcome, hint, detail, List.copyOf(all), replaced, then);
        }

        Done withReplaced(Map<Path, Optional<byte[]>> files) {
            return new Done(outcome, hint, detail, notes, files, then);
        }

        /** The same result, {@code after} running once what ran before is done. */
        Done then(Runnable after) {
            Runnable before = then;
            return new Done(outcome, hint, detail, notes, replaced, () -> {
                before.run();
                after.run();
            });
        }

        /** Refused or failed: nothing of the batch went in. */
        boolean nothingWentIn() {
            return outcome.isPresent() && !(outcome.get() instanceof ReloadOutcome.Reloaded);
        }
    }
}

package dev.hotswap.reload;

import dev.hotswap.watch.Timings;

/**
 * Tells each batch's result once, whoever handed the batch over: its line and the listeners
 * ({@link Reporter}), the session's history with the batch's origin; then the lines after it and
 * what runs once it is told (hooks). The only place an outcome is told from.
 */
final class Teller {
    private final Reporter reporter;
    private final History history;

    Teller(Reporter reporter, History history) {
        this.reporter = reporter;
        this.history = history;
    }

    void tell(BatchResult.Done done, BatchResult.Origin origin) {
        if (done.outcome().isPresent()) {
            reporter.outcome(done.outcome().get(), done.hint());
            history.told(origin, done.outcome().get(), done.replaced());
        } else {
            done.detail().ifPresent(reporter::detail);
        }
        Timings.mark(Timings.Stage.REPORT);
        done.notes().forEach(reporter::info);
        done.then().run();
    }
}

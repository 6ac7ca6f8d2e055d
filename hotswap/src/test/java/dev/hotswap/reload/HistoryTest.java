package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.ReloadOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HistoryTest {
    private final History history = new History();
    private static final Path A = Path.of("classes/app/A.class");

    private static ReloadOutcome reloaded(String... classes) {
        return new ReloadOutcome.Reloaded(List.of(classes), Duration.ofMillis(3), List.of());
    }

    @Test
    void whatTheLastBatchThatWentInReplacedIsKeptAndARefusalChangesNothingOfIt() {
        assertThat(history.lastReplaced()).isEmpty();
        history.replaced(Map.of(A, Optional.of(new byte[] {1})));
        history.onReload(reloaded("app.A"));
        assertThat(history.lastReplaced().get(A)).contains(new byte[] {1});
        history.origin("jmx");
        history.onReload(new ReloadOutcome.Refused(List.of("app.A"), List.of()));
        history.origin("build");
        history.onReload(new ReloadOutcome.Failed(List.of("app.A"), List.of(), Optional.empty()));
        assertThat(history.lastReplaced().get(A)).contains(new byte[] {1});
        assertThat(history.counts()).containsExactly(1, 1, 1);
        assertThat(history.entries()).extracting(History.Entry::origin).containsExactly("build", "jmx", "build");
    }

    @Test
    void theLastFiftyBatchesAreKept() {
        for (int i = 0; i < 60; i++) {
            history.onReload(reloaded("app.C" + i));
        }
        assertThat(history.entries()).hasSize(History.KEPT);
        assertThat(history.entries().get(0).outcome().classes()).containsExactly("app.C10");
        assertThat(history.counts()[0]).isEqualTo(60);
    }
}

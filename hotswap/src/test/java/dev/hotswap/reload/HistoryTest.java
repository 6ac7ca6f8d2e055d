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
        history.told(BatchResult.Origin.BUILD, reloaded("app.A"), Map.of(A, Optional.of(new byte[] {1})));
        assertThat(history.lastReplaced().get(A)).contains(new byte[] {1});
        history.told(BatchResult.Origin.JMX, new ReloadOutcome.Refused(List.of("app.A"), List.of()), Map.of());
        history.told(BatchResult.Origin.BUILD, new ReloadOutcome.Failed(List.of("app.A"), List.of(), Optional.empty()), Map.of());
        assertThat(history.lastReplaced().get(A)).contains(new byte[] {1});
        assertThat(history.counts()).containsExactly(1, 1, 1);
        assertThat(history.entries()).extracting(History.Entry::origin).containsExactly("build", "jmx", "build");
    }

    @Test
    void theLastFiftyBatchesAreKept() {
        for (int i = 0; i < 60; i++) {
            history.told(BatchResult.Origin.BUILD, reloaded("app.C" + i), Map.of());
        }
        assertThat(history.entries()).hasSize(History.KEPT);
        assertThat(history.entries().get(0).outcome().classes()).containsExactly("app.C10");
        assertThat(history.counts()[0]).isEqualTo(60);
    }
}

package dev.hotswap.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static final long MS = 1_000_000L;
    private final Batcher batcher = new Batcher(Duration.ofMillis(50));
    private final Path a = Path.of("a.class");
    private final Path b = Path.of("b.class");

    @Test
    void aBatchIsDueOneQuietPeriodAfterTheLastFile() {
        batcher.add(a, 0);
        batcher.add(b, 30 * MS);
        assertThat(batcher.takeIfDue(79 * MS)).isEmpty();
        assertThat(batcher.remaining(79 * MS)).isEqualTo(MS);
        assertThat(batcher.takeIfDue(80 * MS)).contains(Set.of(a, b));
        assertThat(batcher.isEmpty()).isTrue();
        assertThat(batcher.takeIfDue(500 * MS)).isEmpty();
    }

    @Test
    void aFileSeenTwiceIsInTheBatchOnce() {
        batcher.add(a, 0);
        batcher.add(a, 10 * MS);
        assertThat(batcher.takeIfDue(60 * MS)).contains(Set.of(a));
    }

    @Test
    void aBurstKeepsPushingTheBatchBack() {
        for (int i = 0; i < 100; i++) {
            batcher.add(Path.of(i + ".class"), i * 40 * MS);
            assertThat(batcher.takeIfDue(i * 40 * MS + 45 * MS)).isEmpty();
        }
        assertThat(batcher.takeIfDue(99 * 40 * MS + 50 * MS)).hasValueSatisfying(batch -> assertThat(batch).hasSize(100));
    }

    @Test
    void aRetryComesBackAfterItsOwnDelayWithWhateverArrivedMeanwhile() {
        batcher.addLater(List.of(a), 0, Duration.ofMillis(200));
        assertThat(batcher.takeIfDue(100 * MS)).isEmpty();
        assertThat(batcher.takeIfDue(200 * MS)).contains(Set.of(a));
        batcher.addLater(List.of(a), 300 * MS, Duration.ofMillis(200));
        batcher.add(b, 310 * MS); // the rest of the file was written: no need to wait the whole retry
        assertThat(batcher.takeIfDue(360 * MS)).contains(Set.of(a, b));
    }

    @Test
    void timeMayWrapAround() {
        long near = Long.MAX_VALUE - 10 * MS;
        batcher.add(a, near);
        assertThat(batcher.takeIfDue(near + 49 * MS)).isEmpty();
        assertThat(batcher.takeIfDue(near + 50 * MS)).contains(Set.of(a));
    }

    @Test
    void negativeQuietPeriodIsRejected() {
        assertThatThrownBy(() -> new Batcher(Duration.ofMillis(-1))).hasMessageContaining("must not be negative");
    }
}

package dev.hotswap.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimingsTest {
    private static final long MS = 1_000_000L;

    @Test
    void oneLineWithEachStageSinceTheOneBefore() {
        long[] at = {100 * MS, 103 * MS, 103 * MS + MS / 2, 104 * MS, 105 * MS, 106 * MS, 106 * MS + MS / 4, 107 * MS};
        assertThat(Timings.line(at, 1)).isEqualTo("hotswap timings (ms), 1 class: settle 3.00, complete 0.50, read 0.50,"
                + " plan 1.00, commit 1.00, publish 0.25, report 0.75; total 7.00 since seen");
    }

    @Test
    void aStageNotReachedIsLeftOut() {
        long[] at = {0, 10 * MS, 11 * MS, 13 * MS, 0, 0, 0, 0};
        assertThat(Timings.line(at, 2)).isEqualTo("hotswap timings (ms), 2 classes: complete 1.00, read 2.00");
    }
}

package dev.hotswap.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which files the first walk reports as written since the watcher started. */
class FileTreeTest {
    private static final long START_MILLIS = 1_700_000_000_500L;

    private static FileTree.Stamp at(long nanos) {
        return new FileTree.Stamp(10, nanos);
    }

    @Test
    void aFineStampCountsFromAJiffyBeforeTheStart() {
        long start = START_MILLIS * 1_000_000L;
        assertThat(FileTree.modifiedSince(at(start + 1), START_MILLIS)).isTrue();
        assertThat(FileTree.modifiedSince(at(start - 10_000_001L), START_MILLIS)).isTrue();
        assertThat(FileTree.modifiedSince(at(start - 60_000_001L), START_MILLIS)).isFalse();
    }

    @Test
    void aWholeSecondStampMayHaveBeenTruncated() {
        // Written at ...000.9 s, after the start at ...000.5 s, stamped ...000.0 s by a coarse file system.
        long truncated = (START_MILLIS / 1000) * 1_000_000_000L;
        assertThat(FileTree.modifiedSince(at(truncated), START_MILLIS)).isTrue();
        assertThat(FileTree.modifiedSince(at(truncated - 3_000_000_000L), START_MILLIS)).isFalse();
        assertThat(FileTree.modifiedSince(null, START_MILLIS)).isFalse();
    }
}

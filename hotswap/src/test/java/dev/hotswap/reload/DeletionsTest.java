package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletionsTest {
    @TempDir
    Path dir;

    private static final long S = 1_000_000_000L;

    @Test
    void aFileTheFollowingBuildWritesAgainWasNeverRemoved() throws Exception {
        // mvn compile: every class file deleted, then, seconds later, written again.
        Deletions d = new Deletions();
        Path a = dir.resolve("A.class");
        d.deleted(a, "p.A");
        d.batch(0, false);
        assertThat(d.settled(3 * S)).as("javac still running: no class written since").isEmpty();
        Files.write(a, new byte[] {1});
        d.batch(4 * S, true);
        assertThat(d.settled(6 * S)).isEmpty();
        assertThat(d.isEmpty()).isTrue();
    }

    @Test
    void aFileStillMissingOnceTheBuildAfterItSettledIsRemoved() {
        Deletions d = new Deletions();
        d.deleted(dir.resolve("Gone.class"), "p.Gone");
        d.batch(0, false);
        d.batch(2 * S, true); // the build wrote the other classes
        assertThat(d.settled(2 * S + S / 2)).as("not quiet yet").isEmpty();
        assertThat(d.settled(3 * S + S / 10)).containsExactly("p.Gone");
        assertThat(d.isEmpty()).isTrue();
    }

    @Test
    void aFileDeletedByHandWithNoBuildAfterItIsRemovedAfterALongerQuiet() {
        Deletions d = new Deletions();
        d.deleted(dir.resolve("Gone.class"), "p.Gone");
        d.batch(0, false);
        assertThat(d.settled(5 * S)).isEmpty();
        assertThat(d.settled(Deletions.ALONE.toNanos())).containsExactly("p.Gone");
    }

    @Test
    void aRebuildOfTheModuleGetsLongerToWriteItsClassesAgain() throws Exception {
        // mvn compile of a big module on a loaded machine: javac pauses between the files it writes.
        Deletions d = new Deletions();
        Path[] files = new Path[Deletions.REBUILD + 1];
        for (int i = 0; i < files.length; i++) {
            files[i] = dir.resolve("C" + i + ".class");
            d.deleted(files[i], "p.C" + i);
        }
        d.batch(0, false);
        assertThat(d.settled(Deletions.ALONE.toNanos() + S)).as("javac has not written the first class yet").isEmpty();
        Files.write(files[0], new byte[] {1});
        d.batch(12 * S, true);
        assertThat(d.settled(14 * S)).as("a pause between two files javac writes").isEmpty();
        for (int i = 1; i < files.length - 1; i++) {
            Files.write(files[i], new byte[] {1});
        }
        d.batch(15 * S, true);
        assertThat(d.settled(15 * S + S / 2)).as("not quiet yet").isEmpty();
        assertThat(d.settled(16 * S + S / 10)).as("one file missing: the usual quiet; the build did not write it again")
                .containsExactly("p.C" + (files.length - 1));
    }
}

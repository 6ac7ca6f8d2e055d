package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.classfile.Change;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The classifier's change kinds are internal, the reasons' kinds public; a reason takes the kind
 * of its change by name. A change kind added without its public twin would fail there, at run time.
 */
class KindsTest {
    @Test
    void everyChangeKindHasAPublicKindOfTheSameName() {
        assertThat(Arrays.stream(ReloadOutcome.Kind.values()).map(Enum::name))
                .containsAll(Arrays.stream(Change.Kind.values()).map(Enum::name).toList());
    }
}

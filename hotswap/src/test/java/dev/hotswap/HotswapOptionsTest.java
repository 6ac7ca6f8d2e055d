package dev.hotswap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotswap.reload.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The typed settings say in the agent's syntax exactly what they hold: the session reads them back alike. */
class HotswapOptionsTest {

    @Test
    void everySettingReadsBackAsSet() {
        HotswapOptions typed = HotswapOptions.defaults()
                .withWatch(Path.of("out/classes"), Path.of("more/classes"))
                .withSettle(Duration.ofMillis(7))
                .withPolling(Duration.ofSeconds(2))
                .withRetry(Duration.ZERO)
                .withVerbosity(HotswapOptions.Verbosity.VERBOSE)
                .withEvents(Path.of("events.jsonl"))
                .withStaticInitializers(HotswapOptions.StaticInitializers.KEEP);
        Options read = Options.parse(typed.toString(), Map.of());
        assertThat(read.problems()).isEmpty();
        assertThat(read.watch()).containsExactly(Path.of("out/classes").toAbsolutePath(),
                Path.of("more/classes").toAbsolutePath());
        assertThat(read.settle()).contains(Duration.ofMillis(7));
        assertThat(read.poll()).contains(Duration.ofSeconds(2));
        assertThat(read.retry()).isEqualTo(Duration.ZERO);
        assertThat(read.verbosity()).isEqualTo(Options.Verbosity.VERBOSE);
        assertThat(read.events()).contains(Path.of("events.jsonl").toAbsolutePath());
        assertThat(read.statics()).isEqualTo(Options.Statics.KEEP);
    }

    @Test
    void defaultsSayNothingAndAFixedQuietTurnsTheCompileEndDetectionOff() {
        assertThat(HotswapOptions.defaults().toString()).isEmpty();
        assertThat(Options.parse(HotswapOptions.defaults().toString(), Map.of())).isEqualTo(Options.defaults());
        Options quiet = Options.parse(HotswapOptions.defaults().withFixedQuiet(Duration.ofMillis(50)).toString(), Map.of());
        assertThat(quiet.settle()).isEqualTo(Optional.empty());
        assertThat(quiet.quiet()).isEqualTo(Duration.ofMillis(50));
        assertThat(quiet.problems()).isEmpty();
    }

    @Test
    void whatTheSyntaxCannotCarryIsRefusedWhenSet() {
        HotswapOptions d = HotswapOptions.defaults();
        assertThatThrownBy(() -> d.withWatch(Path.of("a,b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a,b");
        assertThatThrownBy(() -> d.withSettle(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withPolling(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withRetry(Duration.ofNanos(10))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("milliseconds");
        assertThatThrownBy(() -> d.withVerbosity(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Hotswap.start((HotswapOptions) null)).isInstanceOf(NullPointerException.class);
        assertThat(List.of(HotswapOptions.Verbosity.values())).hasSize(Options.Verbosity.values().length);
        assertThat(List.of(HotswapOptions.StaticInitializers.values())).hasSize(Options.Statics.values().length);
    }
}

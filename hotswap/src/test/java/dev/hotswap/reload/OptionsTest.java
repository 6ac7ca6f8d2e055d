package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaults() {
        Options options = Options.parse(null, Map.of());
        assertThat(options).isEqualTo(Options.defaults());
        assertThat(options.quiet()).isEqualTo(Duration.ofMillis(50));
        assertThat(options.settle()).contains(Duration.ofMillis(3));
        assertThat(options.batches()).isEmpty();
        assertThat(options.poll()).isEmpty();
        assertThat(options.watch()).isEmpty();
        assertThat(options.verbosity()).isEqualTo(Options.Verbosity.NORMAL);
    }

    @Test
    void settleDetectsTheCompilesEndUnlessAQuietPeriodAloneIsAskedFor() {
        assertThat(Options.parse("settle=2ms", Map.of()).settle()).contains(Duration.ofMillis(2));
        assertThat(Options.parse("quiet=80ms,settle=3ms", Map.of()).settle()).contains(Duration.ofMillis(3));
        assertThat(Options.parse("settle=off", Map.of()).settle()).isEmpty();
        assertThat(Options.parse("", Map.of("hotswap.quiet", "30ms")).settle()).isEmpty();
        assertThat(Options.parse("batches=inbox", Map.of()).batches()).contains(Path.of("inbox").toAbsolutePath());
    }

    @Test
    void agentArguments() {
        Options options = Options.parse("watch=out/a" + File.pathSeparator + "out/b, quiet=15ms,poll=1s,"
                + "retry=2s,verbosity=verbose,events=ev.jsonl", Map.of());
        assertThat(options.watch()).containsExactly(Path.of("out/a").toAbsolutePath(), Path.of("out/b").toAbsolutePath());
        assertThat(options.quiet()).isEqualTo(Duration.ofMillis(15));
        assertThat(options.settle()).isEmpty(); // a quiet period asked for is a fixed one
        assertThat(options.poll()).contains(Duration.ofSeconds(1));
        assertThat(options.retry()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.verbosity()).isEqualTo(Options.Verbosity.VERBOSE);
        assertThat(options.events()).contains(Path.of("ev.jsonl").toAbsolutePath());
        assertThat(options.problems()).isEmpty();
    }

    @Test
    void systemPropertiesAndAgentArgumentsWin() {
        Map<String, String> properties = Map.of("hotswap.quiet", "99", "hotswap.poll", "true",
                "hotswap.watch", "from-property");
        Options options = Options.parse("quiet=5ms,watch=from-args", properties);
        assertThat(options.quiet()).isEqualTo(Duration.ofMillis(5));
        assertThat(options.poll()).contains(Options.DEFAULT_POLL);
        assertThat(options.watch()).containsExactly(Path.of("from-args").toAbsolutePath());
        assertThat(Options.parse("", properties).quiet()).isEqualTo(Duration.ofMillis(99));
    }

    @Test
    void bareKeysAreFlags() {
        Options options = Options.parse("poll,verbose", Map.of());
        assertThat(options.poll()).contains(Options.DEFAULT_POLL);
        assertThat(options.verbosity()).isEqualTo(Options.Verbosity.VERBOSE);
        assertThat(Options.parse("poll=off", Map.of("hotswap.poll", "true")).poll()).isEmpty();
    }

    @Test
    void badValuesAreReportedAndDefaultsKept() {
        Options options = Options.parse("quiet=soon,poll=0ms,verbosity=loud,colour=blue", Map.of("hotswap.retry", "-1s",
                "hotswap.frobnicate", "x", "hotswap.debug", "true"));
        assertThat(options.quiet()).isEqualTo(Options.DEFAULT_QUIET);
        assertThat(options.poll()).isEqualTo(Optional.empty());
        assertThat(options.retry()).isEqualTo(Options.DEFAULT_RETRY);
        assertThat(options.verbosity()).isEqualTo(Options.Verbosity.NORMAL);
        assertThat(options.problems()).hasSize(6).anySatisfy(p -> assertThat(p).contains("'soon' is not a duration"))
                .anySatisfy(p -> assertThat(p).contains("interval must be positive"))
                .anySatisfy(p -> assertThat(p).contains("'loud' is not one of quiet, normal, verbose"))
                .anySatisfy(p -> assertThat(p).contains("unknown option 'colour'"))
                .anySatisfy(p -> assertThat(p).contains("unknown property -Dhotswap.frobnicate"))
                .anySatisfy(p -> assertThat(p).contains("-Dhotswap.retry: '-1s' is not a duration"));
    }
}

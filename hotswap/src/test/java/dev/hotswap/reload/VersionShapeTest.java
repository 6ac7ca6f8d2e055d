package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionShapeTest {
    private final List<String> problems = new ArrayList<>();

    private boolean named(Map<String, String> properties, Map<String, String> environment, List<String> arguments) {
        return VersionShape.named(properties, environment, Optional.of(arguments), problems::add);
    }

    @Test
    void autoIsNamedExactlyWhenTheJdwpAgentIsInTheJvm() {
        assertThat(named(Map.of(), Map.of(), List.of("-cp", "x", "app.Main"))).isFalse();
        assertThat(named(Map.of(), Map.of(), List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"))).isTrue();
        assertThat(named(Map.of(), Map.of(), List.of("-Xrunjdwp:transport=dt_socket"))).isTrue();
        assertThat(named(Map.of(), Map.of("JAVA_TOOL_OPTIONS", "-agentlib:jdwp=transport=dt_socket"), List.of())).isTrue();
        assertThat(named(Map.of("sun.jdwp.listenerAddress", "localhost:5005"), Map.of(), List.of())).isTrue();
        assertThat(problems).isEmpty();
    }

    @Test
    void theOptionWinsAndABadValueIsReportedAndTakenAsAuto() {
        assertThat(named(Map.of("hotswap.versions", "named"), Map.of(), List.of())).isTrue();
        assertThat(named(Map.of("hotswap.versions", "hidden"), Map.of(), List.of("-agentlib:jdwp=x"))).isFalse();
        assertThat(named(Map.of("hotswap.versions", "sideways"), Map.of(), List.of("-agentlib:jdwp=x"))).isTrue();
        assertThat(problems).singleElement().asString().contains("-Dhotswap.versions=sideways").contains("auto");
    }
}

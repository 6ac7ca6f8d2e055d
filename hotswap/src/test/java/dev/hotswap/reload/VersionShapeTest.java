package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionShapeTest {
    private final List<String> problems = new ArrayList<>();

    private VersionShape.Choice choose(Map<String, String> properties, Map<String, String> environment, List<String> arguments) {
        return VersionShape.choose(properties, environment, Optional.of(arguments), problems::add);
    }

    @Test
    void autoIsNamedAndBodiesGoThroughTheEngineExactlyWhenTheJdwpAgentIsInTheJvm() {
        VersionShape.Choice plain = choose(Map.of(), Map.of(), List.of("-cp", "x", "app.Main"));
        assertThat(plain.named()).isTrue();
        assertThat(plain.enginesBodies()).isFalse();
        assertThat(plain.saysFallbacks()).isFalse();
        for (VersionShape.Choice debugged : List.of(
                choose(Map.of(), Map.of(), List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005")),
                choose(Map.of(), Map.of(), List.of("-Xrunjdwp:transport=dt_socket")),
                choose(Map.of(), Map.of("JAVA_TOOL_OPTIONS", "-agentlib:jdwp=transport=dt_socket"), List.of()),
                choose(Map.of("sun.jdwp.listenerAddress", "localhost:5005"), Map.of(), List.of()))) {
            assertThat(debugged.named()).isTrue();
            assertThat(debugged.enginesBodies()).isTrue();
            assertThat(debugged.saysFallbacks()).isTrue();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theOptionWinsAndABadValueIsReportedAndTakenAsAuto() {
        VersionShape.Choice named = choose(Map.of("hotswap.versions", "named"), Map.of(), List.of());
        assertThat(named.named()).isTrue();
        assertThat(named.saysFallbacks()).isTrue();
        assertThat(named.enginesBodies()).isFalse();
        VersionShape.Choice hidden = choose(Map.of("hotswap.versions", "hidden"), Map.of(), List.of("-agentlib:jdwp=x"));
        assertThat(hidden.named()).isFalse();
        assertThat(hidden.enginesBodies()).isFalse(); // a hidden version is no better for breakpoints than a redefinition
        assertThat(choose(Map.of("hotswap.versions", "sideways"), Map.of(), List.of("-agentlib:jdwp=x")).enginesBodies()).isTrue();
        assertThat(problems).singleElement().asString().contains("-Dhotswap.versions=sideways").contains("auto");
    }
}

package dev.hotswap.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameworksTest {
    private final List<String> problems = new ArrayList<>();

    @Test
    void onlyAFrameworksMarkerClassIsChanged() {
        Frameworks frameworks = new Frameworks(null, true, problems::add);
        byte[] any = {(byte) 0xca, (byte) 0xfe};
        assertThat(frameworks.transform(getClass().getClassLoader(), "com/example/Service", any)).isNull();
        assertThat(frameworks.transform(getClass().getClassLoader(), "org/springframework/context/Other", any)).isNull();
        assertThat(problems).isEmpty();
    }

    @Test
    void withoutTheJdkHooksAFrameworkIsNamedAsNotFollowedAndLeftAlone() {
        Frameworks frameworks = new Frameworks(null, false, problems::add);
        assertThat(frameworks.transform(getClass().getClassLoader(), "com/fasterxml/jackson/databind/ObjectMapper",
                new byte[0])).isNull();
        assertThat(problems).singleElement().asString().contains("Jackson 2").contains("will not follow swaps");
    }

    @Test
    void springBootDevToolsIsNamedOnceItLoads() {
        Frameworks frameworks = new Frameworks(null, true, problems::add);
        assertThat(frameworks.transform(getClass().getClassLoader(), "org/springframework/boot/devtools/restart/Restarter",
                new byte[0])).isNull();
        assertThat(problems).singleElement().asString().contains("DevTools").contains("spring.devtools.restart.enabled=false");
    }

    @Test
    void aBatchWithNoFrameworkLoadedChangesNothingAndSaysNothing() {
        Frameworks frameworks = new Frameworks(null, true, problems::add);
        Integration.Followed followed = frameworks.afterSwap(new Swap(List.of(new Swap.Changed(String.class, List.of(), true)),
                List.of("p.New"), List.of()));
        assertThat(followed.warnings()).isEmpty();
        assertThat(followed.taken()).isEmpty();
        assertThat(frameworks.addedMethod(ArrayList.class, "added", "()V", java.lang.invoke.MethodType.methodType(void.class,
                ArrayList.class))).isEmpty();
    }
}

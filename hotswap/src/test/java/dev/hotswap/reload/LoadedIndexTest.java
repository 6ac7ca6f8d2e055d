package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A batch's loaded classes without a walk of every loaded class each time, and never a stale answer after a definition. */
class LoadedIndexTest {
    private final AtomicInteger walks = new AtomicInteger();
    private Class<?>[] loaded = {String.class, List.class, int[].class};
    private final LoadedIndex index = new LoadedIndex(() -> {
        walks.incrementAndGet();
        return loaded;
    });

    @Test
    void aNameFoundIsKeptUntilAClassOfThatNameIsDefinedAgain() {
        assertThat(index.of(Set.of("java.lang.String"))).containsOnlyKeys("java.lang.String");
        assertThat(index.of(Set.of("java.lang.String")).get("java.lang.String")).containsExactly(String.class);
        assertThat(walks).hasValue(1);
        index.defining(getClass().getClassLoader(), "java/util/Map"); // another name: nothing to forget
        index.of(Set.of("java.lang.String"));
        assertThat(walks).hasValue(1);
        index.defining(getClass().getClassLoader(), "java/lang/String");
        index.of(Set.of("java.lang.String"));
        assertThat(walks).hasValue(2);
    }

    @Test
    void aNameFoundNowhereIsWalkedForEachTimeAndArraysAreNotClassesOfAName() {
        assertThat(index.of(Set.of("app.New"))).isEmpty();
        assertThat(index.of(Set.of("app.New"))).isEmpty();
        assertThat(walks).hasValue(2); // a class of it may be defining right then: never taken as absent for good
        loaded = new Class<?>[] {String.class, LoadedIndexTest.class};
        assertThat(index.of(Set.of(LoadedIndexTest.class.getName()))).containsOnlyKeys(LoadedIndexTest.class.getName());
        assertThat(walks).hasValue(3);
        assertThat(index.of(Set.of("[I"))).isEmpty();
    }
}

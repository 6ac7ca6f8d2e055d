package dev.hotswap.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.reload.AnonymousClasses.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnonymousClassesTest {
    private static final Shape SUPPLIER = new Shape("java/lang/Object", List.of("java/util/function/Supplier"));
    private static final Shape RUNNABLE = new Shape("java/lang/Object", List.of("java/lang/Runnable"));
    private static final Shape THREAD = new Shape("java/lang/Thread", List.of());

    @Test
    void recognisesJavacsAnonymousNames() {
        assertThat(AnonymousClasses.prefix("a/B$1")).contains("a/B");
        assertThat(AnonymousClasses.prefix("a/B$Inner$12")).contains("a/B$Inner");
        assertThat(AnonymousClasses.prefix("a/B$1$hotswap2")).contains("a/B");
        assertThat(AnonymousClasses.prefix("a/B$Inner")).isEmpty();
        assertThat(AnonymousClasses.prefix("a/B$1Local")).isEmpty();
    }

    @Test
    void unchangedShapesKeepTheirNames() {
        assertThat(AnonymousClasses.assign(Map.of(), Map.of("a/B$1", SUPPLIER, "a/B$2", RUNNABLE),
                Map.of("a/B$1", SUPPLIER))).isEqualTo(Map.of("a/B$1", "a/B$1", "a/B$2", "a/B$2"));
    }

    @Test
    void anInsertedClassPushesTheLoadedOnesContentToTheNextNumber() {
        // A$1 was a Supplier; a Runnable was inserted before it, so the Supplier is now A$2.
        Map<String, String> names = AnonymousClasses.assign(Map.of(), Map.of("a/B$1", RUNNABLE, "a/B$2", SUPPLIER),
                Map.of("a/B$1", SUPPLIER));
        assertThat(names).isEqualTo(Map.of("a/B$2", "a/B$1", "a/B$1", "a/B$1$hotswap1"));
    }

    @Test
    void revertingGivesTheLoadedClassItsContentBack() {
        Map<String, String> current = Map.of("a/B$2", "a/B$1", "a/B$1", "a/B$1$hotswap1");
        Map<String, String> names = AnonymousClasses.assign(current, Map.of("a/B$1", SUPPLIER),
                Map.of("a/B$1", SUPPLIER, "a/B$1$hotswap1", RUNNABLE));
        assertThat(names).isEqualTo(Map.of("a/B$1", "a/B$1"));
    }

    @Test
    void aShapeChangedInPlaceRunsUnderANewName() {
        Map<String, String> names = AnonymousClasses.assign(Map.of(), Map.of("a/B$1", THREAD), Map.of("a/B$1", RUNNABLE));
        assertThat(names).isEqualTo(Map.of("a/B$1", "a/B$1$hotswap1"));
        names = AnonymousClasses.assign(names, Map.of("a/B$1", SUPPLIER),
                Map.of("a/B$1", RUNNABLE, "a/B$1$hotswap1", THREAD));
        assertThat(names).isEqualTo(Map.of("a/B$1", "a/B$1$hotswap2"));
    }

    @Test
    void contentsOfOtherClassesAreNeverTaken() {
        Map<String, String> names = AnonymousClasses.assign(Map.of(), Map.of("a/C$1", SUPPLIER, "a/B$1", RUNNABLE),
                Map.of("a/B$1", SUPPLIER));
        assertThat(names).isEqualTo(Map.of("a/C$1", "a/C$1", "a/B$1", "a/B$1$hotswap1"));
    }
}

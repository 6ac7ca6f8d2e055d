package dev.hotswap.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.classfile.Change;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnfollowedTest {
    @jakarta.persistence.Entity
    static final class Order {
    }

    @Test
    void aReshapedClassOfAFrameworkWithoutAnIntegrationIsNamedWithWhatItMisses() {
        Change added = new Change(Change.Kind.FIELD_ADDED, "total", "field total added");
        List<ReloadOutcome.Reason> reasons = Unfollowed.warnings(new Swap(List.of(new Swap.Changed(Order.class,
                List.of(added), false)), List.of(), List.of()));
        assertThat(reasons).singleElement().satisfies(r -> {
            assertThat(r.className()).isEqualTo(Order.class.getName());
            assertThat(r.kind()).isEqualTo(ReloadOutcome.Kind.FRAMEWORK_NOT_FOLLOWED);
            assertThat(r.message()).contains("JPA").contains("@Entity").contains("restart");
        });
    }

    @Test
    void aBodyEditOfSuchAClassNeedsNoWarning() {
        assertThat(Unfollowed.warnings(new Swap(List.of(new Swap.Changed(Order.class, List.of(), false)), List.of(),
                List.of()))).isEmpty();
    }
}

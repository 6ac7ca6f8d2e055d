package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FieldStoreTest {

    /** Equal but distinct objects, as records and value-like classes are. */
    private record Point(int x, int y) {
    }

    @Test
    void objectsNeverSetReadTheDefault() {
        FieldStore ints = new FieldStore(0);
        FieldStore refs = new FieldStore(null);
        Object o = new Object();
        assertThat(ints.get(o)).isEqualTo(0);
        assertThat(refs.get(o)).isNull();
    }

    @Test
    void valuesAreKeptPerObjectIdentityNotEquality() {
        FieldStore store = new FieldStore(null);
        Point a = new Point(1, 2);
        Point b = new Point(1, 2);
        store.set(a, "a");
        assertThat(store.get(a)).isEqualTo("a");
        assertThat(store.get(b)).as("an equal but different object has its own field").isNull();
        store.set(b, "b");
        assertThat(store.get(a)).isEqualTo("a");
        store.set(a, null);
        assertThat(store.get(a)).as("null is a value, not 'unset'").isNull();
    }

    @Test
    void nullObjectsFailAsAFieldAccessWould() {
        FieldStore store = new FieldStore(0);
        assertThatThrownBy(() -> store.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.set(null, 1)).isInstanceOf(NullPointerException.class);
    }
}

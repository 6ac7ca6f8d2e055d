package dev.hotswap.structural;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FieldStoreTest {

    /** Equal but distinct objects, as records and value-like classes are. */
    private record Point(int x, int y) {
    }

    @Test
    void objectsNeverSetReadTheDefault() throws Throwable {
        FieldStore ints = new FieldStore(0, self -> FieldStore.NONE);
        FieldStore refs = new FieldStore(null, self -> FieldStore.NONE);
        Object o = new Object();
        assertThat(ints.get(o)).isEqualTo(0);
        assertThat(refs.get(o)).isNull();
    }

    @Test
    void valuesAreKeptPerObjectIdentityNotEquality() throws Throwable {
        FieldStore store = new FieldStore(null, self -> FieldStore.NONE);
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
        FieldStore store = new FieldStore(0, self -> FieldStore.NONE);
        assertThatThrownBy(() -> store.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.set(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anObjectNeverSetGetsTheInitializersValueOnceAtItsFirstRead() throws Throwable {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        FieldStore store = new FieldStore(null, self -> "made for " + self + " #" + runs.incrementAndGet());
        Point before = new Point(1, 2);
        assertThat(store.get(before)).isEqualTo("made for Point[x=1, y=2] #1");
        assertThat(store.get(before)).as("kept, not run again").isEqualTo("made for Point[x=1, y=2] #1");
        Point written = new Point(3, 4);
        store.set(written, null);
        assertThat(store.get(written)).as("a value written (null too) is never replaced").isNull();
        assertThat(runs).hasValue(1);
    }

    @Test
    void aReadFromInsideItsOwnInitializerSeesTheDefaultAndWhatItThrowsReachesTheRead() throws Throwable {
        FieldStore[] self = new FieldStore[1];
        self[0] = new FieldStore(0, owner -> ((Integer) self[0].get(owner)) + 41);
        Object o = new Object();
        assertThat(self[0].get(o)).isEqualTo(41);
        FieldStore failing = new FieldStore(null, owner -> {
            throw new IllegalStateException("initializer failed");
        });
        assertThatThrownBy(() -> failing.get(o)).hasMessage("initializer failed");
        failing.set(o, "set");
        assertThat(failing.get(o)).isEqualTo("set");
    }
}

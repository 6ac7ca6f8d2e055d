package dev.hotswap.structural;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of one instance field added by a swap, per object, by identity (an object's
 * {@code equals} never matters), holding the objects weakly. An object that never had the field
 * set reads the type's default: 0, null, false, as a field of an object created before the swap.
 */
final class FieldStore {
    /** Messages of an access on a null object, which a version's handler makes helpful ({@link Linker#helpful}). */
    static final String READ_NULL = "Cannot read a field because the object is null";
    static final String WRITE_NULL = "Cannot assign a field because the object is null";

    private final Object defaultValue;
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Map<Key, Object> values = new HashMap<>();

    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            Object mine = get();
            return other instanceof Key key && mine != null && mine == key.get();
        }
    }

    FieldStore(Object defaultValue) {
        this.defaultValue = defaultValue;
    }

    synchronized Object get(Object owner) {
        if (owner == null) {
            throw new NullPointerException(READ_NULL);
        }
        Object value = values.get(new Key(owner, null));
        return value == null && !values.containsKey(new Key(owner, null)) ? defaultValue : value;
    }

    synchronized void set(Object owner, Object value) {
        if (owner == null) {
            throw new NullPointerException(WRITE_NULL);
        }
        for (Object dead; (dead = queue.poll()) != null; ) {
            values.remove(dead);
        }
        values.put(new Key(owner, queue), value);
    }
}

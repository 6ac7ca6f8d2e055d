package dev.hotswap.structural;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of one instance field added by a swap, per object, by identity (an object's
 * {@code equals} never matters), holding the objects weakly. An object that never had the field
 * set (one made before the swap) gets it from the field's initializer at its first read, when
 * the newest version has one ({@link FieldInitializers}); else it reads the type's default: 0,
 * null, false.
 */
final class FieldStore {
    /** Messages of an access on a null object, which a version's handler makes helpful ({@link Linker#helpful}). */
    static final String READ_NULL = "Cannot read a field because the object is null";
    static final String WRITE_NULL = "Cannot assign a field because the object is null";

    private final Object defaultValue;
    /** The field's initializer for an object made before the swap, run outside the store's lock. */
    private final Initializer initializer;
    /** Objects whose initializer runs on this thread now: a read from inside it sees the default. */
    private final ThreadLocal<java.util.IdentityHashMap<Object, Boolean>> initializing =
            ThreadLocal.withInitial(java.util.IdentityHashMap::new);

    /** Runs the newest initializer of the field for an object, if there is one. */
    interface Initializer {
        /** The value, or {@link #NONE} when the newest version has no initializer for it. */
        Object initialize(Object owner) throws Throwable;
    }

    /** What an {@link Initializer} answers when there is none. */
    static final Object NONE = new Object();
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

    FieldStore(Object defaultValue, Initializer initializer) {
        this.defaultValue = defaultValue;
        this.initializer = initializer;
    }

    Object get(Object owner) throws Throwable {
        if (owner == null) {
            throw new NullPointerException(READ_NULL);
        }
        synchronized (this) {
            Key key = new Key(owner, null);
            Object value = values.get(key);
            if (value != null || values.containsKey(key)) {
                return value;
            }
        }
        java.util.IdentityHashMap<Object, Boolean> mine = initializing.get();
        if (mine.containsKey(owner)) {
            return defaultValue; // read by its own initializer
        }
        mine.put(owner, Boolean.TRUE);
        Object initial;
        try {
            // The program's code, run once for the object; what it throws reaches the read, as a
            // constructor's would have reached the code that made the object.
            initial = initializer.initialize(owner);
        } finally {
            mine.remove(owner);
        }
        if (initial == NONE) {
            return defaultValue;
        }
        synchronized (this) {
            Key key = new Key(owner, null);
            if (values.containsKey(key)) {
                return values.get(key); // set meanwhile (a write, or another thread's initializer): that stands
            }
            put(owner, initial);
            return initial;
        }
    }

    synchronized void set(Object owner, Object value) {
        if (owner == null) {
            throw new NullPointerException(WRITE_NULL);
        }
        put(owner, value);
    }

    private void put(Object owner, Object value) {
        for (Object dead; (dead = queue.poll()) != null; ) {
            values.remove(dead);
        }
        values.put(new Key(owner, queue), value);
    }
}

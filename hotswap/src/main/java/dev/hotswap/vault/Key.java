package dev.hotswap.vault;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;

/**
 * Defined by {@code dev.hotswap.reflect.Vault} in a one-class named module of its own, to which
 * {@code java.lang.invoke} is opened: hands the JDK's trusted lookup out once. The copy of this
 * class in hotswap's jar is never used; loaded from there (the unnamed module, to which nothing
 * is opened) {@link #take} can only fail.
 */
public final class Key {
    private static boolean taken;

    private Key() {
    }

    public static synchronized Object take() throws ReflectiveOperationException {
        if (taken) {
            throw new IllegalStateException("the trusted lookup was handed out already");
        }
        taken = true;
        Field f = MethodHandles.Lookup.class.getDeclaredField("IMPL_LOOKUP");
        f.setAccessible(true);
        return f.get(null);
    }
}

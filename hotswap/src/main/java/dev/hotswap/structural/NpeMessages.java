package dev.hotswap.structural;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Optional;

/**
 * Gives a NullPointerException thrown in a hidden version the helpful message the JVM could not
 * compute ({@link Linker#helpful}): the messages of a version's instructions are computed from
 * its class file the first time one is asked for ({@link NullMessages}).
 */
final class NpeMessages {
    private final Registry registry;
    private final MethodHandles.Lookup trusted;
    private final ClassValue<Map<String, String[]>> messages = new ClassValue<>() {
        @Override
        protected Map<String, String[]> computeValue(Class<?> hidden) {
            return registry.versionOf(hidden).map(v -> NullMessages.of(v.source())).orElse(Map.of());
        }
    };
    private volatile Optional<Fields> fields;

    private record Fields(VarHandle state, VarHandle message, VarHandle detail) {
    }

    NpeMessages(Registry registry, MethodHandles.Lookup trusted) {
        this.registry = registry;
        this.trusted = trusted;
    }

    /** The message of instruction {@code key} ({@link NullMessages#key}) of the version {@code hidden} holds; null if none. */
    String message(Class<?> hidden, String key) {
        return NullMessages.message(messages.get(hidden), key);
    }

    /**
     * Sets the message of an exception the JVM made (no message, never asked for one) or of one of
     * the engine's own for a null receiver; true when it did.
     */
    boolean explain(NullPointerException npe, String message) {
        Fields f = fields();
        if (f == null) {
            return false;
        }
        synchronized (npe) { // as NullPointerException.getMessage()
            Object detail = f.detail.get(npe);
            boolean engines = detail instanceof String d && (d.equals(FieldStore.READ_NULL) || d.equals(FieldStore.WRITE_NULL)
                    || Dispatch.isNullReceiver(d));
            // State 1: the trace was filled once and nobody asked for the message yet.
            if (detail == null && (int) f.state.get(npe) == 1 || engines) {
                f.detail.set(npe, null);
                f.message.set(npe, message);
                f.state.set(npe, 2);
                return true;
            }
            return false;
        }
    }

    private Fields fields() {
        Optional<Fields> known = fields;
        if (known == null) {
            try {
                known = Optional.of(new Fields(trusted.findVarHandle(NullPointerException.class, "extendedMessageState",
                        int.class), trusted.findVarHandle(NullPointerException.class, "extendedMessage", String.class),
                        trusted.findVarHandle(Throwable.class, "detailMessage", String.class)));
            } catch (ReflectiveOperationException e) {
                known = Optional.empty(); // a JDK that keeps the message otherwise: it stays null
            }
            fields = known;
        }
        return known.orElse(null);
    }
}

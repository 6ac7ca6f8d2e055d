package dev.hotswap.integration;

import dev.hotswap.ReloadOutcome.Reason;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

/**
 * One framework's follower: told after each batch what changed, it brings the framework's
 * view up to date (caches, registrations, wiring). Each follower is one class, compiled against
 * its framework and loaded only once the program has loaded that framework, in a loader of its
 * own whose parent is the framework's ({@link Frameworks}). Public only because that loader is
 * not ours; not an API. Called on the reload thread, after the batch went in and before its
 * outcome is reported; never while the program's classes are being loaded.
 */
public interface Integration {

    /**
     * Follows a batch. Returns what did not follow, each naming the class, the member, what will
     * not happen and what the user can do; and the new classes the framework took in.
     */
    Followed afterSwap(Swap swap);

    /**
     * How a call of a method that a swap added reaches a receiver of {@code receiverClass}, a
     * class hotswap does not manage that lacks the method (a framework's generated subclass, such
     * as a proxy): empty for the engine's default (the method runs with that receiver as
     * {@code this}).
     *
     * @param added the added method, as reflection lists it now
     * @param type the call's type: the receiver first, then the method's parameters
     */
    default Optional<MethodHandle> addedMethod(Class<?> receiverClass, Method added, MethodType type) {
        return Optional.empty();
    }

    /**
     * Called once more a little after a batch, on the reload thread, when the calls that were
     * running as it went in have ended: a cache one of them filled from the classes as they were
     * (a serializer built while the swap landed) is dropped again.
     */
    default void settle() {
    }

    /**
     * What a follower did with a batch.
     *
     * @param taken classes the framework took in: new ones it registered (beans), changed ones whose
     *              objects it brought up to date (an entity mapped again, a bean given its new
     *              constructor's fields)
     * @param read configuration files the framework read again
     * @param notes what the framework dropped, one line each ({@code bean 'x' (app.X) removed:
     *              its class file was deleted}), for the user
     */
    record Followed(List<Reason> warnings, List<String> taken, List<String> read, List<String> notes) {
        public static final Followed NOTHING = new Followed(List.of(), List.of(), List.of(), List.of());

        public Followed {
            warnings = List.copyOf(warnings);
            taken = List.copyOf(taken);
            read = List.copyOf(read);
            notes = List.copyOf(notes);
        }

        public Followed(List<Reason> warnings, List<String> taken) {
            this(warnings, taken, List.of(), List.of());
        }
    }
}

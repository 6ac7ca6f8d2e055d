package dev.hotswap.structural;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.util.Optional;

/**
 * How a call of a method a swap added reaches a receiver whose class the engine does not manage
 * and that lacks the method (a framework's generated subclass, such as a proxy): asked once per
 * receiver class and method, the answer kept until the next batch.
 */
@FunctionalInterface
public interface Receivers {
    Receivers NONE = (receiverClass, name, descriptor, type) -> Optional.empty();

    /** A handle of {@code type} (receiver first), or empty for the default: the method runs with that receiver. */
    Optional<MethodHandle> route(Class<?> receiverClass, String name, String descriptor, MethodType type);
}

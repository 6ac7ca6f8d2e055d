package dev.hotswap.integration;

import java.util.List;

/**
 * What a follower gets from hotswap: the framework's objects made so far (application
 * contexts, object mappers), and reach into the framework's own internals, never handed on.
 */
public interface Context {
    /** The framework objects of this follower's loader made so far and still alive, oldest first. */
    List<Object> seen();

    /**
     * Whether the framework was loaded before hotswap started (attached to a running JVM): objects
     * made until then are not in {@link #seen()}; the follower may find them by itself.
     */
    boolean startedLate();

    /**
     * Lets the follower's own code reach the non-public members of {@code type} by reflection
     * ({@code setAccessible}), when the framework's module does not open its package; no other
     * code gains anything.
     */
    void open(Class<?> type);
}

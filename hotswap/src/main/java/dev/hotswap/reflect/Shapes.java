package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * What the structural engine tells reflection: which classes run a newer shape than the JVM
 * loaded, and how to reach the members the loaded class does not have.
 */
public interface Shapes {
    /** The class file (as compiled) of the version a class under the engine runs; empty for any other class. */
    Optional<byte[]> newest(Class<?> type);

    /** True for a field the loaded class has that no longer holds the field of that name (a swap removed it, a later one brought it back). */
    boolean retired(Class<?> type, String name, String descriptor, boolean isStatic);

    /** The newest version of a method: {@code (args)R} when static, else {@code (owner, args)R}, dispatching on the receiver unless private. */
    MethodHandle method(Class<?> owner, String name, String descriptor, boolean isStatic) throws ReflectiveOperationException;

    /** The newest version of an instance method as {@code invokespecial} calls it (no dispatch): {@code (owner, args)R}. */
    MethodHandle special(Class<?> owner, String name, String descriptor) throws ReflectiveOperationException;

    /** Reads a field that the loaded class does not hold: {@code ()T} when static, else {@code (owner)T}. */
    MethodHandle getter(Class<?> owner, String name, String descriptor, boolean isStatic) throws ReflectiveOperationException;

    /** Writes such a field: {@code (T)void} when static, else {@code (owner, T)void}. */
    MethodHandle setter(Class<?> owner, String name, String descriptor, boolean isStatic) throws ReflectiveOperationException;

    /** A constructor a swap added: {@code (args)owner}. */
    MethodHandle constructor(Class<?> owner, String descriptor) throws ReflectiveOperationException;
}

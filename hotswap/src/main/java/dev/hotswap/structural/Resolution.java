package dev.hotswap.structural;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * How the JVM finds an instance method, worked out over the newest versions of the classes under
 * the engine (and the others as loaded): what a reference resolves to (JVMS 5.4.3.3), the
 * implementation a virtual call selects for a receiver's class (JVMS 5.4.6), and the newest body
 * of a private method. No access checks: the callers check the resolved method
 * ({@link CheckedCalls}, {@link Dispatch}).
 *
 * <p>Thread-safety: no state of its own; used under the engine's lock while linking, and by
 * {@link Dispatch} at calls, on any thread.
 */
final class Resolution {
    private final Registry registry;
    private final MethodHandles.Lookup trusted;

    Resolution(Registry registry, MethodHandles.Lookup trusted) {
        this.registry = registry;
        this.trusted = trusted;
    }

    /** What a reference to an instance method resolves to (JVMS 5.4.3.3), in the newest versions: its class and modifiers. */
    record Resolved(Class<?> declaring, int modifiers) {
    }

    /**
     * The instance method a reference {@code owner.name:descriptor} resolves to, newest versions
     * first: {@code owner} and its superclasses (private ones too), then its superinterfaces
     * (no private ones). Empty when there is none.
     */
    Optional<Resolved> of(Class<?> owner, String name, String descriptor) {
        if (owner.isArray() && name.equals("clone") && descriptor.equals("()Ljava/lang/Object;")) {
            // An array's clone() is public (JLS 10.7), not Object's protected one: an enum's values() calls it.
            return Optional.of(new Resolved(owner, java.lang.reflect.Modifier.PUBLIC));
        }
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            Optional<Resolved> found = declaredIn(k, name, descriptor, true);
            if (found.isPresent()) {
                return found;
            }
        }
        Deque<Class<?>> interfaces = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            interfaces.addAll(List.of(k.getInterfaces()));
        }
        while (!interfaces.isEmpty()) {
            Class<?> i = interfaces.poll();
            if (seen.add(i)) {
                Optional<Resolved> found = declaredIn(i, name, descriptor, false);
                if (found.isPresent()) {
                    return found;
                }
                interfaces.addAll(List.of(i.getInterfaces()));
            }
        }
        return Optional.empty();
    }

    private Optional<Resolved> declaredIn(Class<?> k, String name, String descriptor, boolean privateToo) {
        Managed m = registry.get(k);
        if (m != null && m.current != null) {
            return m.current.method(name, descriptor)
                    .filter(x -> !x.is(Opcodes.ACC_STATIC) && (privateToo || !x.is(Opcodes.ACC_PRIVATE)))
                    .map(x -> new Resolved(k, x.access() & 0xFFFF));
        }
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
            int modifiers = method.getModifiers();
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && !Modifier.isStatic(modifiers) && (privateToo || !Modifier.isPrivate(modifiers))) {
                return Optional.of(new Resolved(k, modifiers));
            }
        }
        return Optional.empty();
    }

    /**
     * The implementation a virtual call finds, starting at {@code start}: newest versions first.
     * As the JVM selects (JVMS 5.4.6): never a private method, nor a package-private one of
     * another runtime package than {@code resolvedIn}'s (the class of the method the call
     * resolved to), which does not override it. The caller checked the resolved method.
     */
    Optional<MethodHandle> implementation(Class<?> start, String name, String descriptor, Class<?> resolvedIn) {
        for (Class<?> k = start; k != null; k = k.getSuperclass()) {
            Optional<MethodHandle> found = declared(k, name, descriptor, resolvedIn);
            if (found.isPresent()) {
                return found;
            }
        }
        Deque<Class<?>> interfaces = new ArrayDeque<>();
        Set<Class<?>> seen = new LinkedHashSet<>();
        for (Class<?> k = start; k != null; k = k.getSuperclass()) {
            interfaces.addAll(List.of(k.getInterfaces()));
        }
        if (start.isInterface()) {
            interfaces.add(start);
        }
        while (!interfaces.isEmpty()) {
            Class<?> i = interfaces.poll();
            if (seen.add(i)) {
                Optional<MethodHandle> found = declared(i, name, descriptor, resolvedIn);
                if (found.isPresent()) {
                    return found;
                }
                interfaces.addAll(List.of(i.getInterfaces()));
            }
        }
        return Optional.empty();
    }

    /** The body of an instance method declared by {@code k} (in its newest version) that a virtual call may select, if any. */
    private Optional<MethodHandle> declared(Class<?> k, String name, String descriptor, Class<?> resolvedIn) {
        Managed m = registry.get(k);
        if (m != null && m.current != null) {
            Version current = m.current;
            return current.method(name, descriptor)
                    .filter(x -> !x.is(Opcodes.ACC_STATIC) && !x.is(Opcodes.ACC_ABSTRACT) && selectable(k, x.access(), resolvedIn))
                    .map(x -> current.methods().get(name + descriptor));
        }
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && !Modifier.isStatic(method.getModifiers()) && !Modifier.isAbstract(method.getModifiers())
                    && selectable(k, method.getModifiers(), resolvedIn)) {
                try {
                    // The engine's lookup: selection is no access check; the resolved method was checked.
                    return Optional.of(trusted.in(k).unreflectSpecial(method, k));
                } catch (IllegalAccessException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static boolean selectable(Class<?> k, int modifiers, Class<?> resolvedIn) {
        if (Modifier.isPrivate(modifiers)) {
            return false;
        }
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers) || Access.samePackage(k, resolvedIn);
    }

    /** The newest version of a private instance method of {@code k}, as the engine holds it. */
    Optional<MethodHandle> privateMethod(Class<?> k, String name, String descriptor) {
        Managed m = registry.get(k);
        if (m != null && m.current != null) {
            Version current = m.current;
            return current.method(name, descriptor).filter(x -> x.is(Opcodes.ACC_PRIVATE) && !x.is(Opcodes.ACC_STATIC))
                    .map(x -> current.methods().get(name + descriptor));
        }
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && Modifier.isPrivate(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())) {
                try {
                    return Optional.of(trusted.in(k).unreflectSpecial(method, k)); // checked by the caller's Checked
                } catch (IllegalAccessException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}

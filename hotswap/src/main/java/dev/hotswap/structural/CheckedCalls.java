package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.structural.Resolution.Resolved;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What new code's static, private and super calls ({@code invokespecial}) and its method handle
 * constants reach: the method found in the newest versions, checked against the rights of the
 * code's source ({@link Access}), which the JDK checks again where the JVM has the method as
 * loaded. A virtual method handle to a method a swap added (or whose access it changed) is
 * dispatched, and checked at each call, by {@link Dispatch}, as new code's virtual calls are. The
 * same look-up unchecked serves the engine itself and reflection ({@link #newest}).
 *
 * <p>Thread-safety: called under the engine's lock.
 */
final class CheckedCalls {
    private final Registry registry;
    private final MethodHandles.Lookup trusted;
    private final Resolution resolution;
    private final Dispatch dispatch;

    CheckedCalls(Registry registry, MethodHandles.Lookup trusted, Resolution resolution, Dispatch dispatch) {
        this.registry = registry;
        this.trusted = trusted;
        this.resolution = resolution;
        this.dispatch = dispatch;
    }

    /**
     * {@code super.m()} or {@code I.super.m()} in new code: the method {@code invokespecial} finds
     * from {@code owner} up (a superclass or superinterface of the source, checked at the bootstrap),
     * if the source may use it, on receivers of the source's class only.
     */
    Optional<MethodHandle> superCall(Access access, Class<?> owner, String name, String descriptor)
            throws IllegalAccessException {
        String what = owner.getName() + "." + name + descriptor;
        access.special(owner, what);
        Optional<Resolved> resolved = resolution.of(owner, name, descriptor);
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        Resolved r = resolved.get();
        access.member(owner, r.declaring(), r.modifiers(), what);
        Optional<MethodHandle> found;
        if (Modifier.isAbstract(r.modifiers())) {
            found = Optional.empty(); // invokespecial selects the abstract method itself
        } else if (Modifier.isPrivate(r.modifiers())) {
            found = resolution.privateMethod(r.declaring(), name, descriptor);
        } else if (registry.get(r.declaring()) == null) {
            // A method the JVM has as it is: the JDK finds it and checks it again, as for the source's own super call.
            try {
                found = Optional.of(access.lookup().findSpecial(r.declaring(), name,
                        MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader()), access.source));
            } catch (NoSuchMethodException e) {
                found = Optional.empty();
            }
        } else {
            found = resolution.implementation(owner, name, descriptor, r.declaring());
        }
        return found.map(h -> Access.narrow(h, access.source));
    }

    /** The method a method handle constant in new code means, found in the newest versions ({@link Linker#lambdaOf}). */
    MethodHandle target(Access access, int tag, Class<?> owner, String name, String descriptor)
            throws NoSuchMethodException, IllegalAccessException {
        String what = owner.getName() + "." + name + descriptor;
        access.type(owner);
        MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
        Optional<MethodHandle> found = switch (tag) {
            case Opcodes.H_INVOKESTATIC -> newestFor(owner, name, descriptor, true, Optional.of(access));
            case Opcodes.H_INVOKESPECIAL -> newestFor(owner, name, descriptor, false, Optional.of(access));
            case Opcodes.H_INVOKEVIRTUAL, Opcodes.H_INVOKEINTERFACE -> {
                Resolved r = resolution.of(owner, name, descriptor)
                        .orElseThrow(() -> new NoSuchMethodException(what));
                access.member(owner, r.declaring(), r.modifiers(), what);
                if (Modifier.isPrivate(r.modifiers())) {
                    yield newestFor(r.declaring(), name, descriptor, false, Optional.of(access));
                }
                try {
                    // A method the loaded class has: the JVM's own dispatch (entries lead to the newest versions),
                    // checked by the JDK too, its receiver narrowed as the source's own findVirtual's.
                    yield Optional.of(access.lookup().findVirtual(owner, name, type));
                } catch (NoSuchMethodException | IllegalAccessException e) {
                    // Added by a swap, or its access changed: the engine's dispatch, checked at each call.
                    yield Optional.of(dispatch.checkedDispatcher(type.insertParameterTypes(0, owner), Optional.empty(), access,
                            owner, name, descriptor));
                }
            }
            default -> throw new IllegalArgumentException("hotswap: no method handle of kind " + tag + " (" + what + ")");
        };
        return found.orElseThrow(() -> new NoSuchMethodException(what));
    }

    /**
     * The newest version of a member declared by {@code owner} itself, checked for {@code access}
     * when present (else the asker checks: reflection, the engine's own calls). An instance method
     * is called as {@code invokespecial} calls it: private, or of the source or one of its
     * superclasses, on receivers of the source's class.
     */
    Optional<MethodHandle> newestFor(Class<?> owner, String name, String descriptor, boolean isStatic,
                                     Optional<Access> access) throws IllegalAccessException {
        String what = owner.getName() + "." + name + descriptor;
        Managed m = registry.get(owner);
        if (m != null && m.current != null) {
            Version current = m.current;
            Optional<ClassModel.Member> member = current.method(name, descriptor).filter(x -> x.is(Opcodes.ACC_STATIC) == isStatic);
            if (member.isEmpty()) {
                return Optional.empty();
            }
            MethodHandle handle = current.methods().get(name + descriptor);
            if (access.isPresent()) {
                handle = checked(access.get(), owner, owner, member.get().access(), isStatic, handle, what);
            }
            return Optional.of(handle);
        }
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(owner)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && Modifier.isStatic(method.getModifiers()) == isStatic) {
                if (access.isPresent()) {
                    return Optional.of(physical(access.get(), method, what));
                }
                try {
                    return Optional.of(isStatic ? trusted.in(owner).unreflect(method)
                            : trusted.in(owner).unreflectSpecial(method, owner));
                } catch (IllegalAccessException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** {@link #newestFor} unchecked, for the engine itself and reflection (which checks on its own). */
    Optional<MethodHandle> newest(Class<?> owner, String name, String descriptor, boolean isStatic) {
        try {
            return newestFor(owner, name, descriptor, isStatic, Optional.empty());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("an unchecked look-up was refused", e); // none is checked
        }
    }

    /** A method of the newest version, checked for {@code access}: static, private or {@code invokespecial}'s. */
    private static MethodHandle checked(Access access, Class<?> refc, Class<?> declaring, int modifiers, boolean isStatic,
                                        MethodHandle handle, String what) throws IllegalAccessException {
        access.member(refc, declaring, modifiers, what);
        if (isStatic || Modifier.isPrivate(modifiers)) {
            return handle;
        }
        access.special(declaring, what);
        return Access.narrow(handle, access.source);
    }

    /**
     * A method the JVM has as loaded (of a class not under the engine), for {@code access}: the
     * JDK resolves and checks it with the source's rights; only a private member of a nest that
     * the source left as it loaded (which the JVM no longer counts as its nest) is reached with
     * the engine's lookup, after the same rule by hand.
     */
    private MethodHandle physical(Access access, Method method, String what) throws IllegalAccessException {
        Class<?> owner = method.getDeclaringClass();
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        access.member(owner, owner, method.getModifiers(), what);
        MethodType type = MethodType.methodType(method.getReturnType(), method.getParameterTypes());
        boolean leftNest = Modifier.isPrivate(method.getModifiers()) && !access.nestmateOf(owner);
        try {
            if (leftNest) {
                return isStatic ? trusted.in(owner).unreflect(method) : trusted.in(owner).unreflectSpecial(method, owner);
            }
            MethodHandles.Lookup lookup = access.lookup();
            if (isStatic) {
                return lookup.findStatic(owner, method.getName(), type);
            }
            return Modifier.isPrivate(method.getModifiers()) ? lookup.findVirtual(owner, method.getName(), type)
                    : lookup.findSpecial(owner, method.getName(), type, access.source);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("the JVM lost " + what, e); // found among the class's methods just now
        }
    }
}

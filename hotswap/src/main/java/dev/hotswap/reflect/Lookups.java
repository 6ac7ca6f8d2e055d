package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * {@code MethodHandles.Lookup}'s answers for members a swap added to a class under the engine
 * (the JVM does not know them): a handle of the exact type the JDK's would have, after the
 * access check of a fresh start against the lookup's class and modes; a member the newest
 * version removed is not found. Anything else: null, and the JDK answers as ever.
 */
final class Lookups {
    private final Mirror mirror;
    private final MethodHandles.Lookup trusted;

    Lookups(Mirror mirror, MethodHandles.Lookup trusted) {
        this.mirror = mirror;
        this.trusted = trusted;
    }

    MethodHandle answer(Object lookupObject, String method, Object a, Object b, Object c, Object d) throws Throwable {
        if (!(lookupObject instanceof MethodHandles.Lookup lookup) || lookup == trusted) {
            return null; // the engine's own look-ups mean the classes as the JVM has them
        }
        Shapes shapes = mirror.shapes();
        Object subject = a instanceof Member m ? m.getDeclaringClass() : a;
        if (shapes == null || !(subject instanceof Class<?> owner) || !mirror.anyManaged(owner)) {
            return null; // the common case, and every JDK class: the JDK answers
        }
        switch (method) {
            case "findStatic", "findVirtual", "findSpecial" -> {
                Class<?> refc = (Class<?>) a;
                MethodType type = (MethodType) c;
                if (refc == null || b == null || type == null) {
                    return null;
                }
                boolean isStatic = method.equals("findStatic");
                Found found = findMethod(shapes, refc, (String) b, type.toMethodDescriptorString(), isStatic);
                if (found == null) {
                    return null;
                }
                if (method.equals("findSpecial")) {
                    Class<?> caller = (Class<?>) d;
                    if (caller == null) {
                        return null;
                    }
                    MethodHandles.Lookup special = specialLookup(lookup, caller, refc, found.declaring, (String) b);
                    check(special, found.declaring, found.access, refc, (String) b, false);
                    return shapes.special(found.declaring, (String) b, type.toMethodDescriptorString())
                            .asType(type.insertParameterTypes(0, caller));
                }
                check(lookup, found.declaring, found.access, refc, (String) b, false);
                if (isStatic) {
                    return shapes.method(found.declaring, (String) b, type.toMethodDescriptorString(), true).asType(type);
                }
                return shapes.method(found.declaring, (String) b, type.toMethodDescriptorString(), false)
                        .asType(type.insertParameterTypes(0, receiver(lookup, refc, found.declaring, found.access)));
            }
            case "findConstructor" -> {
                Class<?> refc = (Class<?>) a;
                MethodType type = (MethodType) b;
                if (refc == null || type == null) {
                    return null;
                }
                String descriptor = type.changeReturnType(void.class).toMethodDescriptorString();
                View v = mirror.viewOf(refc);
                if (v == null || type.returnType() != void.class) {
                    return null;
                }
                Optional<Declared.Member> m = v.member("<init>", descriptor, false);
                if (m.isEmpty()) {
                    return physical(v, "<init>" + descriptor + "I") ? thrower(new NoSuchMethodException(
                            "no such constructor: " + refc.getName() + ".<init>" + descriptor)) : null;
                }
                if (!v.isAdded(m.get().key())) {
                    return null;
                }
                check(lookup, refc, m.get().access(), refc, "<init>", true);
                return shapes.constructor(refc, descriptor).asType(type.changeReturnType(refc));
            }
            case "findGetter", "findSetter", "findStaticGetter", "findStaticSetter" -> {
                Class<?> refc = (Class<?>) a;
                Class<?> fieldType = (Class<?>) c;
                if (refc == null || b == null || fieldType == null) {
                    return null;
                }
                boolean isStatic = method.startsWith("findStatic");
                boolean setter = method.endsWith("Setter");
                String name = (String) b;
                String descriptor = fieldType.descriptorString();
                for (Class<?> k = refc; k != null; k = k.getSuperclass()) {
                    View v = mirror.viewOf(k);
                    if (v == null) {
                        continue;
                    }
                    Optional<Declared.Member> m = v.member(name, descriptor, isStatic);
                    if (m.isEmpty()) {
                        if (physical(v, name + descriptor + (isStatic ? "S" : "I"))) {
                            return thrower(new NoSuchFieldException("no such field: " + refc.getName() + "." + name));
                        }
                        continue;
                    }
                    if (!v.isAdded(m.get().key())) {
                        return null;
                    }
                    check(lookup, k, m.get().access(), refc, name, false);
                    if (setter && Modifier.isFinal(m.get().access())) {
                        throw new IllegalAccessException("final field has no write access: " + k.getName() + "." + name);
                    }
                    MethodHandle h = setter ? shapes.setter(k, name, descriptor, isStatic)
                            : shapes.getter(k, name, descriptor, isStatic);
                    MethodType wanted = setter ? MethodType.methodType(void.class, fieldType) : MethodType.methodType(fieldType);
                    return h.asType(isStatic ? wanted : wanted.insertParameterTypes(0, receiver(lookup, refc, k, m.get().access())));
                }
                return null;
            }
            case "unreflect", "unreflectSpecial", "unreflectConstructor", "unreflectGetter", "unreflectSetter" -> {
                return unreflect(lookup, shapes, method, (Member) a, (Class<?>) b);
            }
            default -> {
                return null;
            }
        }
    }

    private MethodHandle unreflect(MethodHandles.Lookup lookup, Shapes shapes, String method, Member member, Class<?> caller)
            throws Throwable {
        if (member == null) {
            return null;
        }
        View v = mirror.viewOf(member.getDeclaringClass());
        if (v == null) {
            return null;
        }
        Class<?> k = member.getDeclaringClass();
        boolean isStatic = Modifier.isStatic(member.getModifiers());
        boolean opened = accessible(member);
        if (member instanceof Method m) {
            String descriptor = View.descriptor(m);
            if (!v.isAdded(m.getName() + descriptor + (isStatic ? "S" : "I"))) {
                return null;
            }
            MethodType type = MethodType.methodType(m.getReturnType(), m.getParameterTypes());
            if (method.equals("unreflectSpecial")) {
                if (caller == null) {
                    return null;
                }
                // Whether or not the method was made accessible: this is another kind of access (as the JDK's).
                MethodHandles.Lookup special = specialLookup(lookup, caller, k, k, m.getName());
                check(special, k, m.getModifiers(), k, m.getName(), false);
                if (isStatic) {
                    throw new IllegalAccessException("expected a non-static method: " + k.getName() + "." + m.getName()
                            + ", from " + lookup);
                }
                return shapes.special(k, m.getName(), descriptor).asType(type.insertParameterTypes(0, caller));
            }
            if (!opened) {
                check(lookup, k, m.getModifiers(), k, m.getName(), false);
            }
            if (isStatic) {
                return shapes.method(k, m.getName(), descriptor, true).asType(type);
            }
            return shapes.method(k, m.getName(), descriptor, false)
                    .asType(type.insertParameterTypes(0, opened ? k : receiver(lookup, k, k, m.getModifiers())));
        }
        if (member instanceof Constructor<?> ctor) {
            String descriptor = View.descriptor(ctor);
            if (!v.isAdded("<init>" + descriptor + "I")) {
                return null;
            }
            if (!opened) {
                check(lookup, k, ctor.getModifiers(), k, "<init>", true);
            }
            return shapes.constructor(k, descriptor).asType(MethodType.methodType(k, ctor.getParameterTypes()));
        }
        Field f = (Field) member;
        String descriptor = f.getType().descriptorString();
        if (!v.isAdded(f.getName() + descriptor + (isStatic ? "S" : "I"))) {
            return null;
        }
        if (!opened) {
            check(lookup, k, f.getModifiers(), k, f.getName(), false);
        }
        boolean setter = method.equals("unreflectSetter");
        if (setter && Modifier.isFinal(f.getModifiers()) && (isStatic || !opened)) {
            throw new IllegalAccessException("final field has no write access: " + k.getName() + "." + f.getName());
        }
        MethodHandle h = setter ? shapes.setter(k, f.getName(), descriptor, isStatic) : shapes.getter(k, f.getName(), descriptor,
                isStatic);
        MethodType wanted = setter ? MethodType.methodType(void.class, f.getType()) : MethodType.methodType(f.getType());
        return h.asType(isStatic ? wanted : wanted.insertParameterTypes(0, opened ? k : receiver(lookup, k, k, f.getModifiers())));
    }

    @SuppressWarnings("deprecation")
    private static boolean accessible(Member member) {
        return ((java.lang.reflect.AccessibleObject) member).isAccessible();
    }

    private record Found(Class<?> declaring, int access) {
    }

    /** The newest method a look-up finds from {@code refc} up, if a swap added it; null when the JDK should answer. */
    private Found findMethod(Shapes shapes, Class<?> refc, String name, String descriptor, boolean isStatic) throws Throwable {
        java.util.ArrayDeque<Class<?>> todo = new java.util.ArrayDeque<>();
        todo.add(refc);
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> k = todo.poll();
            if (!seen.add(k)) {
                continue;
            }
            View v = mirror.viewOf(k);
            if (v != null) {
                Optional<Declared.Member> m = v.member(name, descriptor, isStatic);
                if (m.isPresent()) {
                    return v.isAdded(m.get().key()) ? new Found(k, m.get().access()) : null;
                }
                if (k == refc && physical(v, name + descriptor + (isStatic ? "S" : "I"))) {
                    // The JVM still has it; the source does not: not found, as after a fresh start.
                    thrower(new NoSuchMethodException("no such method: " + refc.getName() + "." + name + descriptor));
                }
            } else if (hasPhysical(k, name, descriptor)) {
                return null;
            }
            if (k.getSuperclass() != null) {
                todo.add(k.getSuperclass());
            }
            todo.addAll(java.util.List.of(k.getInterfaces()));
        }
        return null;
    }

    private boolean hasPhysical(Class<?> k, String name, String descriptor) {
        for (Method m : Mirror.methodsAsLoaded(k)) {
            if (m.getName().equals(name) && View.descriptor(m).equals(descriptor)) {
                return true;
            }
        }
        return false;
    }

    private boolean physical(View v, String key) {
        return v.loadedKeys().contains(key);
    }

    private static MethodHandle thrower(ReflectiveOperationException e) throws ReflectiveOperationException {
        throw e;
    }

    /**
     * The access check {@code Lookup} makes (JVMS 5.4.4 with its modes, and the module system's),
     * for a member of {@code declaring} named through {@code refc}: the class must be accessible
     * to the lookup ({@code accessClass}: for a {@code publicLookup}, public in a package exported
     * to all), then the member, by the lookup's modes and class. A protected constructor counts as
     * package-private ({@code new} of it from a subclass elsewhere is refused).
     */
    static void check(MethodHandles.Lookup lookup, Class<?> declaring, int access, Class<?> refc, String name,
                      boolean constructor) throws IllegalAccessException {
        try {
            lookup.accessClass(refc);
        } catch (IllegalAccessException e) {
            throw new IllegalAccessException("symbolic reference class is not accessible: " + refc.getName() + "." + name
                    + ", from " + lookup + " (" + e.getMessage() + ")");
        }
        if (constructor && Modifier.isProtected(access)) {
            access &= ~Modifier.PROTECTED;
        }
        if (!allowed(lookup.lookupClass(), lookup.lookupModes(), declaring, access)) {
            String kind = Modifier.isPrivate(access) ? "private" : Modifier.isProtected(access) ? "protected"
                    : Modifier.isPublic(access) ? "public" : "package-private";
            throw new IllegalAccessException("member is " + kind + ": " + refc.getName() + "." + name + ", from " + lookup);
        }
    }

    /** The member rule of {@code Lookup}'s check: a lookup of {@code from} with these modes, a member of {@code declaring}. */
    static boolean allowed(Class<?> from, int modes, Class<?> declaring, int access) {
        boolean samePackage = from.getClassLoader() == declaring.getClassLoader()
                && from.getPackageName().equals(declaring.getPackageName());
        if (Modifier.isPublic(access)) {
            return (modes & (MethodHandles.Lookup.PUBLIC | MethodHandles.Lookup.UNCONDITIONAL)) != 0;
        }
        if (Modifier.isPrivate(access)) {
            return (modes & MethodHandles.Lookup.PRIVATE) != 0 && from.getNestHost() == declaring.getNestHost();
        }
        if (Modifier.isProtected(access)) {
            return samePackage && (modes & MethodHandles.Lookup.PACKAGE) != 0
                    || (modes & MethodHandles.Lookup.PROTECTED) != 0 && declaring.isAssignableFrom(from);
        }
        return samePackage && (modes & MethodHandles.Lookup.PACKAGE) != 0;
    }

    /**
     * The receiver type of an instance member's handle: {@code refc}, or the lookup's class for a
     * protected member of another package's class (JVMS 5.4.4: only on itself or a subclass), as
     * the JDK narrows it.
     */
    private static Class<?> receiver(MethodHandles.Lookup lookup, Class<?> refc, Class<?> declaring, int access) {
        Class<?> from = lookup.lookupClass();
        boolean samePackage = from.getClassLoader() == declaring.getClassLoader()
                && from.getPackageName().equals(declaring.getPackageName());
        boolean restricted = Modifier.isProtected(access) && !Modifier.isStatic(access) && declaring != from && !samePackage;
        return restricted && refc.isAssignableFrom(from) ? from : refc;
    }

    /**
     * {@code findSpecial}'s and {@code unreflectSpecial}'s first check: only a lookup with private
     * access, for its own class (or a superinterface's method, for a class implementing it), may
     * call a method as {@code invokespecial} does; the method must be of a superclass of that
     * class. The lookup to check the member with, as seen from that class.
     */
    static MethodHandles.Lookup specialLookup(MethodHandles.Lookup lookup, Class<?> specialCaller, Class<?> refc,
                                              Class<?> declaring, String name) throws IllegalAccessException {
        if ((lookup.lookupModes() & MethodHandles.Lookup.PRIVATE) == 0
                || (specialCaller != lookup.lookupClass() && !(refc.isInterface() && refc.isAssignableFrom(specialCaller)))) {
            throw new IllegalAccessException("no private access for invokespecial: " + specialCaller.getName()
                    + ", from " + lookup);
        }
        if (!declaring.isAssignableFrom(specialCaller)) {
            throw new IllegalAccessException("caller class must be a subclass below the method: " + declaring.getName() + "."
                    + name + ", from " + specialCaller.getName());
        }
        return specialCaller == lookup.lookupClass() ? lookup : lookup.in(specialCaller);
    }
}

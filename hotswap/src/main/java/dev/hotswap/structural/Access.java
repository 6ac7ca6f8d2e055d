package dev.hotswap.structural;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.util.Objects;
import java.util.Optional;

/**
 * What the code of one class may reach through the engine: what its source class could after a
 * fresh start, by the JVM's rules (JVMS 5.4.4 and the module system's), never more. The source
 * of a version is the class it runs for; of any other class, itself.
 *
 * <p>The engine's bootstraps admit a caller whose lookup has full privilege on a class the engine
 * wrote, but any code of that class's module can make such a lookup
 * ({@code MethodHandles.privateLookupIn}); so every member the engine hands out is checked here,
 * and resolved where it can be with {@link #lookup()}, a lookup with exactly the source's rights,
 * so that the JDK makes its own checks too. The rules by hand ({@link #member}) serve what the
 * JVM does not know: members a swap added or changed, and the private members of a nest that a
 * new nested class had to leave ({@link LoadRewriter}).
 */
final class Access {
    /** The class whose code holds the call site. */
    final Class<?> caller;
    /** The class whose source that code is: what it may reach is what this class could. */
    final Class<?> source;
    private final MethodHandles.Lookup lookup;

    private Access(Class<?> caller, Class<?> source, MethodHandles.Lookup lookup) {
        this.caller = caller;
        this.source = source;
        this.lookup = lookup;
    }

    /**
     * The rights of the code of {@code caller}'s class. The lookup is the source's own, built with
     * the trusted lookup ({@code privateLookupIn(source, trusted)} is the same object: full
     * privilege, {@code ORIGINAL} included); it keeps {@code ORIGINAL} (the right to bind
     * caller-sensitive methods) only when the caller's lookup had it, as the JVM's does for a
     * class's own bootstraps and a {@code privateLookupIn} lookup does not.
     */
    static Access of(MethodHandles.Lookup caller, Registry registry, MethodHandles.Lookup trusted) {
        Class<?> source = source(caller.lookupClass(), registry);
        MethodHandles.Lookup own = trusted.in(source);
        if ((caller.lookupModes() & MethodHandles.Lookup.ORIGINAL) == 0) {
            try {
                // Not dropLookupMode(ORIGINAL): that drops PROTECTED too (measured on 17 and 25).
                own = MethodHandles.privateLookupIn(source, own);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("no lookup of " + source.getName() + " in itself", e);
            }
        }
        return new Access(caller.lookupClass(), source, own);
    }

    /** The rights of {@code source}'s own code, {@code ORIGINAL} included (the engine's own relinks of such code). */
    static Access ofSource(Class<?> source, MethodHandles.Lookup trusted) {
        return new Access(source, source, trusted.in(source));
    }

    /** A lookup with exactly the source's rights: what the JDK resolves with it, it checked as for the source. */
    MethodHandles.Lookup lookup() {
        return lookup;
    }

    /** The class whose source the code of {@code caller} is: the host of one of the engine's hidden classes, else itself. */
    static Class<?> source(Class<?> caller, Registry registry) {
        return caller.isHidden() || VersionLoader.isVersion(caller) ? registry.hostOf(caller).orElse(caller) : caller;
    }

    // ---- the checks, each throwing what Lookup throws, with a message naming the source, the member and why ----

    /** Class accessibility (JVMS 5.4.4, with modules): as {@code Lookup.accessClass} from the source decides it. */
    void type(Class<?> type) throws IllegalAccessException {
        Optional<String> why = classRefusal(lookup, type);
        if (why.isPresent()) {
            throw new IllegalAccessException(source.getName() + " may not reach class " + type.getName() + ": " + why.get());
        }
    }

    /**
     * Access to a member of {@code declaring} with these modifiers, named through {@code refc}
     * (the class the code names, whose accessibility is checked too).
     */
    void member(Class<?> refc, Class<?> declaring, int modifiers, String what) throws IllegalAccessException {
        type(refc);
        Optional<String> why = memberRefusal(source, declaring, modifiers);
        if (why.isPresent()) {
            throw new IllegalAccessException(source.getName() + " may not reach " + what + ": " + why.get());
        }
    }

    /** A constructor, for {@code new}: a protected one only from its own package (a subclass reaches it through super() only). */
    void constructor(Class<?> owner, int modifiers, String what) throws IllegalAccessException {
        member(owner, owner, Modifier.isProtected(modifiers) ? modifiers & ~Modifier.PROTECTED : modifiers, what);
    }

    /** {@code invokespecial}'s rule: only to the source itself, its superclasses and superinterfaces. */
    void special(Class<?> refc, String what) throws IllegalAccessException {
        Optional<String> why = specialRefusal(source, refc);
        if (why.isPresent()) {
            throw new IllegalAccessException(source.getName() + " may not reach " + what + ": " + why.get());
        }
    }

    /** A write of a final field: only its own class's code writes it (the JVM: in its initializers only). */
    void finalWrite(Class<?> declaring, int modifiers, String what) throws IllegalAccessException {
        if (Modifier.isFinal(modifiers) && declaring != source) {
            throw new IllegalAccessException(source.getName() + " may not write the final field " + what
                    + ": only its own class may");
        }
    }

    /**
     * {@code handle} of {@code type} with its receiver (parameter 0) narrowed to the source where
     * the JVM requires it (a protected instance member of a class in another package: the receiver
     * must be the source or a subclass), as {@code findVirtual} narrows it; a receiver of another
     * class then fails the cast.
     */
    MethodHandle receiver(MethodHandle handle, Class<?> declaring, int modifiers, boolean isStatic) {
        return !isStatic && restrictsReceiver(source, declaring, modifiers) ? narrow(handle, source) : handle;
    }

    /** {@code handle} whose receiver must be an instance of {@code to}. */
    static MethodHandle narrow(MethodHandle handle, Class<?> to) {
        MethodType type = handle.type();
        return to.isAssignableFrom(type.parameterType(0)) ? handle : handle.asType(type.changeParameterType(0, to));
    }

    String refusal(String what) {
        return source.getName() + " may not reach " + what;
    }

    /** The message of a refusal: this class's own names the source already; the JDK's is told as why. */
    String refusal(String what, IllegalAccessException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith(source.getName() + " may not ") ? message : refusal(what) + " (" + message + ")";
    }

    // ---- the rules, pure ----

    /** Why a lookup may not use {@code type} (JVMS 5.4.4 and modules: exported to, and read by, the lookup's module), or empty. */
    static Optional<String> classRefusal(MethodHandles.Lookup lookup, Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element.isPrimitive()) {
            return Optional.empty();
        }
        try {
            lookup.accessClass(element);
            return Optional.empty();
        } catch (IllegalAccessException e) {
            Module from = lookup.lookupClass().getModule();
            Module to = element.getModule();
            if (!from.canRead(to)) {
                return Optional.of(from + " does not read " + to);
            }
            if (!to.isExported(element.getPackageName(), from)) {
                return Optional.of(to + " does not export " + element.getPackageName() + " to " + from);
            }
            return Optional.of("the class is not public, and in another package");
        }
    }

    /**
     * Why {@code source} may not use a member of {@code declaring} with these modifiers, or empty
     * (JVMS 5.4.4; the classes' accessibility is checked apart): public; protected from the same
     * runtime package or a subclass; package-private from the same runtime package; private
     * from the same nest ({@link #sameNest}).
     */
    static Optional<String> memberRefusal(Class<?> source, Class<?> declaring, int modifiers) {
        if (Modifier.isPublic(modifiers)) {
            return Optional.empty();
        }
        if (Modifier.isPrivate(modifiers)) {
            return sameNest(source, declaring) ? Optional.empty() : Optional.of("it is private, and of another nest");
        }
        if (samePackage(source, declaring)) {
            return Optional.empty();
        }
        if (Modifier.isProtected(modifiers)) {
            return declaring.isAssignableFrom(source) ? Optional.empty()
                    : Optional.of("it is protected, and " + source.getName() + " is neither in its package nor a subclass");
        }
        return Optional.of("it is package-private, and of another package");
    }

    /** True when a protected instance member of {@code declaring} may be used on receivers of the source's class only. */
    static boolean restrictsReceiver(Class<?> source, Class<?> declaring, int modifiers) {
        return Modifier.isProtected(modifiers) && !Modifier.isStatic(modifiers) && declaring != source
                && !samePackage(source, declaring);
    }

    /** Why {@code source} may not {@code invokespecial} a method named through {@code refc}, or empty. */
    static Optional<String> specialRefusal(Class<?> source, Class<?> refc) {
        return refc.isAssignableFrom(source) ? Optional.empty()
                : Optional.of("invokespecial reaches only " + source.getName() + " and its superclasses and superinterfaces");
    }

    /** Same runtime package: same loader, same package name. */
    static boolean samePackage(Class<?> a, Class<?> b) {
        return a.getClassLoader() == b.getClassLoader() && Objects.equals(a.getPackageName(), b.getPackageName());
    }

    /**
     * True when the two classes are of one nest as compiled: the same nest host, or one is a
     * nested class of the other's nest host that left the nest as it loaded ({@link LoadRewriter}).
     * Never across loaders or packages, so never more than the package's own code could do
     * with a lookup of its own.
     */
    static boolean sameNest(Class<?> source, Class<?> owner) {
        if (!samePackage(source, owner)) {
            return false;
        }
        Class<?> host = owner.getNestHost();
        Class<?> sourceHost = source.getNestHost();
        return host == sourceHost || source.getName().startsWith(host.getName() + "$")
                || owner.getName().startsWith(sourceHost.getName() + "$");
    }

    /** True when the JVM itself would let the source use a private member of {@code declaring} (same nest host). */
    boolean nestmateOf(Class<?> declaring) {
        return source.getNestHost() == declaring.getNestHost();
    }
}

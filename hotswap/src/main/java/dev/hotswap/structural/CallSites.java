package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The call sites the engine links: each method entry of a class under the engine (one
 * {@code MutableCallSite}, relinked to the newest version), the calls in new code to members the
 * loaded classes lack, and the receiver-based dispatch of methods added or removed by swaps.
 *
 * <p>Thread-safety: called under the engine's lock (bootstraps, and a batch's publication).
 */
final class CallSites {
    private static final MethodHandle RESOLVE;
    private static final MethodHandle OLD_FRAMES;
    private static final MethodHandle NO_SUCH_METHOD;
    private static final MethodHandle ILLEGAL_ACCESS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RESOLVE = lookup.findVirtual(CallSites.class, "resolve", MethodType.methodType(MethodHandle.class,
                    String.class, String.class, MethodType.class, Optional.class, Optional.class, Object.class));
            OLD_FRAMES = lookup.findVirtual(CallSites.class, "forOldFrame", MethodType.methodType(MethodHandle.class,
                    Class.class, String.class, String.class, boolean.class, MethodType.class));
            NO_SUCH_METHOD = lookup.findStatic(Linker.class, "noSuchMethod",
                    MethodType.methodType(Object.class, String.class));
            ILLEGAL_ACCESS = lookup.findStatic(Linker.class, "illegalAccess",
                    MethodType.methodType(Object.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Registry registry;
    private final MethodHandles.Lookup trusted;
    private final Map<String, EntrySite> entries = new HashMap<>();
    /** Call sites in versions' code, weakly: a superseded version takes its own sites with it. */
    private final List<WeakReference<LinkedSite>> calls = new ArrayList<>();
    private final Map<String, MethodHandle> dispatch = new ConcurrentHashMap<>();
    /** Receiver-dispatching targets by site type and member: stateless, so a relink keeps the same one. */
    private final Map<String, MethodHandle> dispatchers = new ConcurrentHashMap<>();
    private final SiteTargets targets = new SiteTargets();
    private volatile Set<String> overriddenAnew = Set.of();
    private volatile Receivers receivers = Receivers.NONE;
    /** Counts relinks: a virtual call's access check ({@link Checked}) is redone after each batch. */
    private volatile int epoch;

    void receivers(Receivers receivers) {
        this.receivers = receivers;
        dispatch.clear();
    }

    CallSites(Registry registry, MethodHandles.Lookup trusted) {
        this.registry = registry;
        this.trusted = trusted;
    }

    /** The call site of one entry (a method of a class under the engine), and for a lambda body what it runs now. */
    static final class EntrySite {
        final MutableCallSite site;
        final Class<?> owner;
        final String name;
        final String descriptor;
        final boolean isStatic;
        /** The lambda body this entry runs now, the version it came from, and its name there. */
        long bodyHash;
        ClassModel from;
        String fromName;

        EntrySite(MutableCallSite site, Class<?> owner, String name, String descriptor, boolean isStatic) {
            this.site = site;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
            this.isStatic = isStatic;
            this.fromName = name;
        }
    }

    /** A call site in new code to a member resolved against the newest versions; relinked on each swap. */
    private static final class LinkedSite extends MutableCallSite {
        /** The rights of the code that holds the site: what its source could reach. */
        final Access access;
        final int kind;
        final Class<?> owner;
        final String name;
        final String descriptor;

        LinkedSite(Access access, MethodType type, int kind, Class<?> owner, String name, String descriptor) {
            super(type);
            this.access = access;
            this.kind = kind;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
        }
    }

    MutableCallSite entrySite(Class<?> owner, String name, String descriptor, boolean isStatic, MethodType type) {
        String key = owner.getName() + '.' + name + descriptor + (isStatic ? "S" : "I") + '@'
                + System.identityHashCode(owner.getClassLoader());
        EntrySite entry = entries.get(key);
        if (entry == null) {
            entry = new EntrySite(new MutableCallSite(type), owner, name, descriptor, isStatic);
            Managed m = registry.get(owner);
            if (m != null) {
                ClassModel.Member loadedMember = m.original.method(name, descriptor).orElse(null);
                entry.bodyHash = loadedMember == null ? 0 : m.loaded.bodyHash(loadedMember).orElse(0L);
                entry.from = m.loaded;
                if (name.startsWith("lambda$") && loadedMember != null) {
                    // Until a version holds this very body, the lambda runs the body it had.
                    entry.site.setTarget(m.original.methods().get(name + descriptor).asType(type));
                }
            }
            link(entry);
            targets.now(entry.site);
            entries.put(key, entry);
        }
        return entry.site;
    }

    CallSite callSite(Access access, int kind, Class<?> owner, String name, String descriptor, MethodType type) {
        String what = owner.getName() + "." + name + descriptor;
        try {
            access.type(owner); // the class the code names, as the JVM resolves it first
            if (kind == Linker.SPECIAL) {
                access.special(owner, what);
            }
        } catch (IllegalAccessException e) {
            return new ConstantCallSite(illegalAccess(type, access.refusal(what, e)));
        }
        MethodType member = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
        int receivers = type.parameterCount() - member.parameterCount();
        if (receivers != (kind == Linker.STATIC ? 0 : 1) && kind != Linker.PROTECTED) {
            throw new IllegalArgumentException("hotswap: a call of kind " + kind + " to " + what + " of type " + type);
        }
        if (kind == Linker.PROTECTED) {
            // A member the JVM has: resolved, checked and dispatched by the JDK, with the source's rights
            // (the hidden class holding the code is no subclass of the member's class; its source is).
            try {
                MethodHandle handle = type.parameterCount() == member.parameterCount()
                        ? access.lookup().findStatic(owner, name, member) : access.lookup().findVirtual(owner, name, member);
                return new ConstantCallSite(handle.asType(type));
            } catch (IllegalAccessException e) {
                return new ConstantCallSite(illegalAccess(type, access.refusal(what, e)));
            } catch (NoSuchMethodException e) {
                return new ConstantCallSite(noSuchMethod(type, what));
            }
        }
        if (kind == Linker.VIRTUAL) {
            return new MutableCallSite(dispatcher(type, name, descriptor, registry.versionOf(access.caller),
                    Optional.of(new Checked(access, owner, name, descriptor))));
        }
        if (kind != Linker.STATIC && kind != Linker.DIRECT && kind != Linker.SPECIAL) {
            throw new IllegalArgumentException("hotswap: no call kind " + kind + " (" + what + ")");
        }
        LinkedSite site = new LinkedSite(access, type, kind, owner, name, descriptor);
        link(site);
        targets.now(site);
        calls.add(new WeakReference<>(site));
        return site;
    }

    /** After a batch went in: every entry and call site to the newest versions, in one sync. */
    void relink() {
        epoch++;
        overriddenAnew = overriddenAnew();
        dispatch.clear();
        targets.gather();
        try {
            for (EntrySite entry : entries.values()) {
                link(entry);
            }
            calls.removeIf(ref -> ref.get() == null);
            for (WeakReference<LinkedSite> ref : calls) {
                LinkedSite site = ref.get();
                if (site != null) {
                    link(site);
                }
            }
        } finally {
            targets.setGathered();
        }
    }

    void retarget(MutableCallSite site, MethodHandle target) {
        targets.set(site, target);
    }

    /** Instance members that some version added or removed in a class: calls to them dispatch on the receiver. */
    private Set<String> overriddenAnew() {
        Set<String> result = new HashSet<>();
        for (Managed m : registry.all()) {
            Set<String> before = instanceMembers(m.loaded);
            Set<String> after = instanceMembers(m.current.model());
            for (String member : before) {
                if (!after.contains(member)) {
                    result.add(member);
                }
            }
            for (String member : after) {
                if (!before.contains(member)) {
                    result.add(member);
                }
            }
        }
        return Set.copyOf(result);
    }

    static Set<String> instanceMembers(ClassModel model) {
        Set<String> members = new HashSet<>();
        for (ClassModel.Member m : model.methods()) {
            if (!m.is(Opcodes.ACC_STATIC) && !m.is(Opcodes.ACC_PRIVATE) && !m.is(Opcodes.ACC_ABSTRACT)
                    && !m.name().startsWith("<") && !Catchers.isCatcher(m.name(), m.descriptor(), m.access())) {
                members.add(m.name() + m.descriptor());
            }
        }
        return members;
    }

    private void link(EntrySite entry) {
        MethodType type = entry.site.type();
        Managed m = registry.get(entry.owner);
        if (m == null || m.current == null) {
            return;
        }
        Version v = m.current;
        String what = entry.owner.getName() + "." + entry.name + entry.descriptor;
        Optional<ClassModel.Member> now = v.method(entry.name, entry.descriptor);
        if (entry.name.startsWith("lambda$")) {
            LambdaEntries.link(this, entry, v, type);
            return;
        }
        if (entry.isStatic) {
            retarget(entry.site, now.filter(x -> x.is(Opcodes.ACC_STATIC)).map(x -> v.methods().get(entry.name + entry.descriptor))
                    .map(h -> h.asType(type)).orElseGet(() -> removed(type, entry.owner, entry.name, entry.descriptor)));
            return;
        }
        if (now.isEmpty() && m.loaded.methods().stream().anyMatch(x -> x.name().equals(entry.name)
                && x.descriptor().equals(entry.descriptor) && Catchers.isCatcher(x.name(), x.descriptor(), x.access()))) {
            // A planted toString() & co. that the class does not declare now: the inherited one, as
            // the JVM's own dispatch already reached this class's entry for this receiver.
            Class<?> parent = entry.owner.getSuperclass();
            retarget(entry.site, implementation(parent, entry.name, entry.descriptor, entry.owner).map(h -> h.asType(type))
                    .orElseGet(() -> noSuchMethod(type, what)));
            return;
        }
        boolean direct = now.isPresent() && !now.get().is(Opcodes.ACC_STATIC) && !now.get().is(Opcodes.ACC_ABSTRACT)
                && (now.get().is(Opcodes.ACC_PRIVATE) || !overriddenAnew.contains(entry.name + entry.descriptor)
                || Catchers.METHODS.contains(entry.name + entry.descriptor));
        retarget(entry.site, direct ? v.methods().get(entry.name + entry.descriptor).asType(type)
                : dispatchers.computeIfAbsent(type + entry.name + entry.descriptor,
                        k -> dispatcher(type, entry.name, entry.descriptor, Optional.empty(), Optional.empty())));
    }

    private void link(LinkedSite site) {
        MethodType type = site.type();
        String what = site.owner.getName() + "." + site.name + site.descriptor;
        MethodHandle target;
        try {
            Optional<MethodHandle> found = switch (site.kind) {
                case Linker.STATIC -> newestFor(site.owner, site.name, site.descriptor, true, Optional.of(site.access));
                case Linker.DIRECT -> newestFor(site.owner, site.name, site.descriptor, false, Optional.of(site.access));
                default -> superCall(site.access, site.owner, site.name, site.descriptor);
            };
            target = found.map(h -> h.asType(type)).orElseGet(() -> noSuchMethod(type, what));
        } catch (IllegalAccessException e) {
            target = illegalAccess(type, site.access.refusal(what, e));
        }
        retarget(site, target);
    }

    /**
     * {@code super.m()} or {@code I.super.m()} in new code: the method {@code invokespecial} finds
     * from {@code owner} up (a superclass or superinterface of the source, checked at the bootstrap),
     * if the source may use it, on receivers of the source's class only.
     */
    private Optional<MethodHandle> superCall(Access access, Class<?> owner, String name, String descriptor)
            throws IllegalAccessException {
        String what = owner.getName() + "." + name + descriptor;
        access.special(owner, what);
        Optional<Resolved> resolved = resolution(owner, name, descriptor);
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        Resolved r = resolved.get();
        access.member(owner, r.declaring(), r.modifiers(), what);
        Optional<MethodHandle> found;
        if (Modifier.isAbstract(r.modifiers())) {
            found = Optional.empty(); // invokespecial selects the abstract method itself
        } else if (Modifier.isPrivate(r.modifiers())) {
            found = privateMethod(r.declaring(), name, descriptor);
        } else if (registry.get(r.declaring()) == null) {
            // A method the JVM has as it is: the JDK finds it and checks it again, as for the source's own super call.
            try {
                found = Optional.of(access.lookup().findSpecial(r.declaring(), name,
                        MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader()), access.source));
            } catch (NoSuchMethodException e) {
                found = Optional.empty();
            }
        } else {
            found = implementation(owner, name, descriptor, r.declaring());
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
                Resolved r = resolution(owner, name, descriptor)
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
                    yield Optional.of(dispatcher(type.insertParameterTypes(0, owner), name, descriptor, Optional.empty(),
                            Optional.of(new Checked(access, owner, name, descriptor))));
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

    /**
     * {@link #newestFor} unchecked, for the engine itself and reflection (which checks on its own);
     * {@code unchecked} must be empty.
     */
    Optional<MethodHandle> newest(Class<?> owner, String name, String descriptor, boolean isStatic,
                                  Optional<Access> unchecked) {
        if (unchecked.isPresent()) {
            throw new IllegalArgumentException("checked look-ups go through newestFor");
        }
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

    /** What a reference to an instance method resolves to (JVMS 5.4.3.3), in the newest versions: its class and modifiers. */
    record Resolved(Class<?> declaring, int modifiers) {
    }

    /**
     * The instance method a reference {@code owner.name:descriptor} resolves to, newest versions
     * first: {@code owner} and its superclasses (private ones too), then its superinterfaces
     * (no private ones). Empty when there is none.
     */
    Optional<Resolved> resolution(Class<?> owner, String name, String descriptor) {
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
     * The access check of a virtual call in new code (or a method reference the engine
     * dispatches): the method a call through {@code owner} resolves to, checked for the source,
     * worked out again after each batch; at each call, the receiver must be an {@code owner}
     * (and the source's class, for a protected member of another package's class).
     */
    private final class Checked {
        final Access access;
        final Class<?> owner;
        final String name;
        final String descriptor;
        private volatile Verdict verdict;

        /** The resolved method (empty: none), or why the source may not use it. */
        private record Verdict(int epoch, Optional<Resolved> resolved, String refusal) {
        }

        Checked(Access access, Class<?> owner, String name, String descriptor) {
            this.access = access;
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
        }

        Verdict verdict() {
            Verdict v = verdict;
            int now = epoch;
            if (v == null || v.epoch() != now) {
                // No lock: two threads may both work it out, to the same verdict.
                Optional<Resolved> resolved = resolution(owner, name, descriptor);
                String refusal = null;
                if (resolved.isPresent()) {
                    try {
                        access.member(owner, resolved.get().declaring(), resolved.get().modifiers(),
                                owner.getName() + "." + name + descriptor);
                    } catch (IllegalAccessException e) {
                        refusal = e.getMessage();
                    }
                }
                v = new Verdict(now, resolved, refusal);
                verdict = v;
            }
            return v;
        }

        /** Why this receiver may not be called, or null. */
        String refusal(Object receiver) {
            Verdict v = verdict();
            if (v.refusal() != null) {
                return v.refusal();
            }
            if (!owner.isInstance(receiver)) {
                return access.refusal(owner.getName() + "." + name + descriptor) + " on a " + receiver.getClass().getName()
                        + ": the receiver is no " + owner.getName();
            }
            Optional<Resolved> r = v.resolved();
            if (r.isPresent() && Access.restrictsReceiver(access.source, r.get().declaring(), r.get().modifiers())
                    && !access.source.isInstance(receiver)) {
                return access.refusal(owner.getName() + "." + name + descriptor) + " on a " + receiver.getClass().getName()
                        + ": it is protected, and the receiver is no " + access.source.getName();
            }
            return null;
        }
    }

    /** {@code (owner, args)R}: the newest implementation of an instance method for the receiver's class. */
    MethodHandle dispatching(Class<?> owner, String name, String descriptor) {
        MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader()).insertParameterTypes(0, owner);
        return dispatcher(type, name, descriptor, Optional.empty(), Optional.empty());
    }

    /**
     * A call site target that finds the implementation for the receiver's class, cached per class;
     * with {@code check}, only for a caller and receiver that the check allows.
     */
    private MethodHandle dispatcher(MethodType type, String name, String descriptor, Optional<Version> caller,
                                    Optional<Checked> check) {
        MethodHandle resolver = MethodHandles.insertArguments(RESOLVE, 0, this, name, descriptor, type, caller, check);
        resolver = resolver.asType(MethodType.methodType(MethodHandle.class, type.parameterType(0)));
        resolver = MethodHandles.dropArguments(resolver, 1, type.parameterList().subList(1, type.parameterCount()));
        return MethodHandles.foldArguments(MethodHandles.exactInvoker(type), resolver);
    }

    /** The message of a dispatch on a null receiver, which a version's handler makes helpful ({@link #isNullReceiver}). */
    private static final String NULL_RECEIVER = "Cannot invoke %s() because the receiver is null";

    static boolean isNullReceiver(String message) {
        return message.startsWith("Cannot invoke ") && message.endsWith("() because the receiver is null");
    }

    /** Called by dispatching call sites: the implementation of {@code name} for this receiver. */
    MethodHandle resolve(String name, String descriptor, MethodType type, Optional<Version> caller, Optional<Checked> check,
                         Object receiver) {
        if (receiver == null) {
            // A version's handler replaces this message with the one a fresh start gives (Linker.helpful).
            throw new NullPointerException(NULL_RECEIVER.replace("%s", name));
        }
        Class<?> receiverClass = receiver.getClass();
        // The class of the method the call resolved to: a package-private method elsewhere does not override it.
        Class<?> resolvedIn = type.parameterType(0);
        boolean unresolved = false;
        if (check.isPresent()) {
            String refusal = check.get().refusal(receiver);
            if (refusal != null) {
                return illegalAccess(type, refusal);
            }
            Optional<Resolved> resolved = check.get().verdict().resolved();
            unresolved = resolved.isEmpty();
            if (resolved.isPresent() && Modifier.isPrivate(resolved.get().modifiers())) {
                // A private method is the one called, whatever the receiver's class (JVMS 5.4.6).
                return privateMethod(resolved.get().declaring(), name, descriptor).map(h -> h.asType(type))
                        .orElseGet(() -> noSuchMethod(type, resolved.get().declaring().getName() + "." + name + descriptor));
            }
            resolvedIn = resolved.map(Resolved::declaring).orElse(resolvedIn);
        }
        String key = receiverClass.getName() + '@' + System.identityHashCode(receiverClass) + '.' + name + descriptor + type
                + '@' + System.identityHashCode(resolvedIn);
        Optional<MethodHandle> found = unresolved ? Optional.empty() : Optional.ofNullable(dispatch.get(key));
        if (found.isPresent()) {
            return found.get();
        }
        // Code of an older version still running (a frame that began before the swap) may call a
        // method the newest version removed: it finishes with its own version's sibling.
        Optional<MethodHandle> implemented = unresolved ? Optional.empty()
                : implementation(receiverClass, name, descriptor, resolvedIn);
        if (implemented.isPresent() && registry.get(receiverClass) == null) {
            // A class hotswap does not manage, lacking a method a swap added (a framework's proxy): its framework may route it.
            Optional<MethodHandle> routed = receivers.route(receiverClass, name, descriptor, type);
            if (routed.isPresent() && !declaresAsLoaded(receiverClass, name, descriptor)) {
                implemented = routed;
            }
        }
        if (implemented.isEmpty() && caller.isEmpty()) {
            // Removed by a swap: a frame of an older version may still call it (not cached: it depends on the caller).
            return forOldFrame(receiverClass, name, descriptor, false, type);
        }
        MethodHandle target = implemented
                .or(() -> caller.filter(v -> v.method(name, descriptor).filter(m -> !m.is(Opcodes.ACC_STATIC)).isPresent())
                        .map(v -> v.methods().get(name + descriptor)))
                .map(h -> h.asType(type))
                .orElseGet(() -> noSuchMethod(type, receiverClass.getName() + "." + name + descriptor));
        if (caller.isEmpty() && !unresolved) {
            dispatch.put(key, target);
        }
        return target;
    }

    /** The newest version of a private instance method of {@code k}, as the engine holds it. */
    private Optional<MethodHandle> privateMethod(Class<?> k, String name, String descriptor) {
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

    /**
     * The target of an entry whose method the newest version removed: a frame that began in an
     * older version (or in the class's code as loaded) finishes with the method it had, as
     * DCEVM's; any other caller gets {@code NoSuchMethodError}, as after a fresh compile. Asks
     * the stack at each call: only stale calls pay for it.
     */
    private MethodHandle removed(MethodType type, Class<?> owner, String name, String descriptor) {
        MethodHandle finder = MethodHandles.insertArguments(OLD_FRAMES, 0, this, owner, name, descriptor, true, type);
        return MethodHandles.foldArguments(MethodHandles.exactInvoker(type), finder);
    }

    private static final StackWalker FRAMES = StackWalker.getInstance(java.util.Set.of(
            StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));

    /**
     * The method as the calling frame's version had it, for a frame of an older version of
     * {@code owner} (for an instance method: of a class of the receiver); else a thrower.
     */
    MethodHandle forOldFrame(Class<?> owner, String name, String descriptor, boolean isStatic, MethodType type) {
        // Frames: ours and the method handle machinery, then the class's entry (its trampoline), then the caller.
        Optional<Class<?>> caller = FRAMES.walk(frames -> frames
                .filter(f -> f.getDeclaringClass() != CallSites.class && f.getDeclaringClass() != Linker.class
                        && !f.getDeclaringClass().getName().startsWith("java.lang.invoke."))
                .skip(1).findFirst().<Class<?>>map(StackWalker.StackFrame::getDeclaringClass));
        Optional<Class<?>> host = caller.<Class<?>>map(c -> Access.source(c, registry))
                .filter(h -> isStatic ? h == owner : h.isAssignableFrom(owner));
        Optional<Version> version = host.flatMap(h -> caller.get().isHidden() || VersionLoader.isVersion(caller.get()) ? registry.versionOf(caller.get())
                : registry.of(h).map(m -> m.original));
        return version.flatMap(v -> v.method(name, descriptor).filter(x -> x.is(Opcodes.ACC_STATIC) == isStatic)
                        .map(x -> v.methods().get(name + descriptor)))
                .map(h -> h.asType(type))
                .orElseGet(() -> noSuchMethod(type, owner.getName() + "." + name + descriptor));
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

    private static boolean declaresAsLoaded(Class<?> k, String name, String descriptor) {
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)) {
                return true;
            }
        }
        return false;
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

    /** A target of {@code type} that throws {@code IllegalAccessError} with this message, as the JVM would at the call. */
    static MethodHandle illegalAccess(MethodType type, String message) {
        MethodHandle thrower = MethodHandles.insertArguments(ILLEGAL_ACCESS, 0, message)
                .asType(MethodType.methodType(type.returnType()));
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    static MethodHandle noSuchMethod(MethodType type, String what) {
        MethodHandle thrower = MethodHandles.insertArguments(NO_SUCH_METHOD, 0, what)
                .asType(MethodType.methodType(type.returnType()));
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }
}

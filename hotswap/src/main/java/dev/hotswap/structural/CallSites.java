package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.Opcodes;

/**
 * The call sites the engine links, and their relinking after each batch: each method entry of a
 * class under the engine (one {@code MutableCallSite}, relinked to the newest version), and the
 * calls in new code to members the loaded classes lack: static, direct and super calls, linked to
 * what {@link CheckedCalls} finds and checks; virtual calls, and the entries of instance methods
 * that swaps added or removed, to the receiver-based dispatch of {@link Dispatch}. Also the
 * targets that throw as the JVM would at a call ({@link #noSuchMethod}, {@link #illegalAccess}).
 *
 * <p>Thread-safety: called under the engine's lock (bootstraps, and a batch's publication).
 */
final class CallSites {
    private static final MethodHandle NO_SUCH_METHOD;
    private static final MethodHandle ILLEGAL_ACCESS;
    private static final MethodHandle IS_ARRAY;
    private static final MethodHandle CLONE_ARRAY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            NO_SUCH_METHOD = lookup.findStatic(Linker.class, "noSuchMethod",
                    MethodType.methodType(Object.class, String.class));
            ILLEGAL_ACCESS = lookup.findStatic(Linker.class, "illegalAccess",
                    MethodType.methodType(Object.class, String.class));
            IS_ARRAY = lookup.findStatic(CallSites.class, "isArray", MethodType.methodType(boolean.class, Object.class));
            CLONE_ARRAY = lookup.findStatic(CallSites.class, "cloneArray", MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Registry registry;
    private final Resolution resolution;
    private final Dispatch dispatch;
    private final CheckedCalls checkedCalls;
    private final Map<String, EntrySite> entries = new HashMap<>();
    /** Call sites in versions' code, weakly: a superseded version takes its own sites with it. */
    private final List<WeakReference<LinkedSite>> calls = new ArrayList<>();
    /** Receiver-dispatching targets by site type and member: stateless, so a relink keeps the same one. */
    private final Map<String, MethodHandle> dispatchers = new ConcurrentHashMap<>();
    private final SiteTargets targets = new SiteTargets();
    private volatile Set<String> overriddenAnew = Set.of();

    void receivers(Receivers receivers) {
        dispatch.receivers(receivers);
    }

    CallSites(Registry registry, MethodHandles.Lookup trusted) {
        this.registry = registry;
        this.resolution = new Resolution(registry, trusted);
        this.dispatch = new Dispatch(registry, resolution);
        this.checkedCalls = new CheckedCalls(registry, trusted, resolution, dispatch);
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
                if (LambdaEntries.isBody(name) && loadedMember != null) {
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
        if (receivers != (kind == Linker.STATIC || kind == Linker.SIBLING ? 0 : 1) && kind != Linker.PROTECTED) {
            throw new IllegalArgumentException("hotswap: a call of kind " + kind + " to " + what + " of type " + type);
        }
        if (kind == Linker.PROTECTED) {
            // A member the JVM has: resolved, checked and dispatched by the JDK, with the source's rights
            // (the hidden class holding the code is no subclass of the member's class; its source is).
            try {
                MethodHandle handle = type.parameterCount() == member.parameterCount()
                        ? access.lookup().findStatic(owner, name, member) : access.lookup().findVirtual(owner, name, member);
                if (owner == Object.class && name.equals("clone") && descriptor.equals("()Ljava/lang/Object;")) {
                    return new ConstantCallSite(orArrayClone(handle.asType(type)));
                }
                return new ConstantCallSite(handle.asType(type));
            } catch (IllegalAccessException e) {
                return new ConstantCallSite(illegalAccess(type, access.refusal(what, e)));
            } catch (NoSuchMethodException e) {
                return new ConstantCallSite(noSuchMethod(type, what));
            }
        }
        if (kind == Linker.VIRTUAL) {
            return new MutableCallSite(dispatch.checkedDispatcher(type, registry.versionOf(access.caller), access, owner,
                    name, descriptor));
        }
        if (kind != Linker.STATIC && kind != Linker.DIRECT && kind != Linker.SPECIAL && kind != Linker.SIBLING) {
            throw new IllegalArgumentException("hotswap: no call kind " + kind + " (" + what + ")");
        }
        LinkedSite site = new LinkedSite(access, type, kind, owner, name, descriptor);
        link(site);
        targets.now(site);
        calls.add(new WeakReference<>(site));
        return site;
    }

    /** Opens or closes a batch's publication: dispatch at calls waits for it ({@link Dispatch#publishing}). */
    void publishing(boolean open) {
        dispatch.publishing(open);
    }

    /** After a batch went in: every entry and call site to the newest versions, in one sync. */
    void relink() {
        overriddenAnew = overriddenAnew();
        targets.gather();
        try {
            for (EntrySite entry : entries.values()) {
                link(entry);
            }
            bodies.removeIf(ref -> ref.get() == null);
            for (WeakReference<BodySite> ref : bodies) {
                BodySite site = ref.get();
                Managed m = site == null ? null : registry.get(site.entry.owner);
                if (m != null && m.current != null) {
                    LambdaEntries.link(this, site.entry, m.current, site.type(), site.keepsRemovedBody);
                }
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

    /**
     * After versions of {@code owners} took new bodies in place (their shapes, handles and so every
     * other site's target unchanged): only their lambdas' entries are linked again, for the
     * bookkeeping of which body each runs ({@link LambdaEntries}; their names held, so no target moves).
     */
    void relinkBodies(Set<Class<?>> owners) {
        targets.gather();
        try {
            bodies.removeIf(ref -> ref.get() == null);
            for (WeakReference<BodySite> ref : bodies) {
                BodySite site = ref.get();
                Managed m = site == null || !owners.contains(site.entry.owner) ? null : registry.get(site.entry.owner);
                if (m != null && m.current != null) {
                    LambdaEntries.link(this, site.entry, m.current, site.type(), site.keepsRemovedBody);
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
        if (LambdaEntries.isBody(entry.name)) {
            LambdaEntries.link(this, entry, v, type, false);
            return;
        }
        if (entry.isStatic) {
            retarget(entry.site, now.filter(x -> x.is(Opcodes.ACC_STATIC)).map(x -> v.methods().get(entry.name + entry.descriptor))
                    .map(h -> h.asType(type)).orElseGet(() -> dispatch.removed(type, entry.owner, entry.name, entry.descriptor)));
            return;
        }
        if (now.isEmpty() && m.loaded.methods().stream().anyMatch(x -> x.name().equals(entry.name)
                && x.descriptor().equals(entry.descriptor) && Catchers.isCatcher(x.name(), x.descriptor(), x.access()))) {
            // A planted toString() & co. that the class does not declare now: the inherited one, as
            // the JVM's own dispatch already reached this class's entry for this receiver.
            Class<?> parent = entry.owner.getSuperclass();
            retarget(entry.site, resolution.implementation(parent, entry.name, entry.descriptor, entry.owner).map(h -> h.asType(type))
                    .orElseGet(() -> noSuchMethod(type, what)));
            return;
        }
        boolean direct = now.isPresent() && !now.get().is(Opcodes.ACC_STATIC) && !now.get().is(Opcodes.ACC_ABSTRACT)
                && (now.get().is(Opcodes.ACC_PRIVATE) || !overriddenAnew.contains(entry.name + entry.descriptor)
                || Catchers.METHODS.contains(entry.name + entry.descriptor));
        retarget(entry.site, direct ? v.methods().get(entry.name + entry.descriptor).asType(type)
                : dispatchers.computeIfAbsent(type + entry.name + entry.descriptor,
                        k -> dispatch.dispatcher(type, entry.name, entry.descriptor)));
    }

    private void link(LinkedSite site) {
        MethodType type = site.type();
        String what = site.owner.getName() + "." + site.name + site.descriptor;
        MethodHandle target;
        try {
            Optional<MethodHandle> found = switch (site.kind) {
                case Linker.STATIC -> checkedCalls.newestFor(site.owner, site.name, site.descriptor, true, Optional.of(site.access));
                case Linker.SIBLING -> checkedCalls.newestFor(site.owner, site.name, site.descriptor, true, Optional.of(site.access))
                        .or(() -> registry.versionOf(site.access.caller)
                                .filter(v -> v.method(site.name, site.descriptor).filter(m -> m.is(Opcodes.ACC_STATIC)).isPresent())
                                .map(v -> v.methods().get(site.name + site.descriptor)));
                case Linker.DIRECT -> checkedCalls.newestFor(site.owner, site.name, site.descriptor, false, Optional.of(site.access));
                default -> checkedCalls.superCall(site.access, site.owner, site.name, site.descriptor);
            };
            target = found.map(h -> h.asType(type)).orElseGet(() -> noSuchMethod(type, what));
        } catch (IllegalAccessException e) {
            target = illegalAccess(type, site.access.refusal(what, e));
        }
        retarget(site, target);
    }

    /** {@code (owner, args)R}: the newest implementation of an instance method for the receiver's class. */
    MethodHandle dispatching(Class<?> owner, String name, String descriptor) {
        MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader()).insertParameterTypes(0, owner);
        return dispatch.dispatcher(type, name, descriptor);
    }

    /**
     * The method a method handle constant in new code means ({@link CheckedCalls#target}); for a
     * lambda body of the class's own code that stays in the class (a constructor), a body that
     * follows swaps as a lambda made before them does ({@link #lambdaBody}).
     */
    MethodHandle target(Access access, int tag, Class<?> owner, String name, String descriptor)
            throws NoSuchMethodException, IllegalAccessException {
        // The class's own code: its constructors (they stay in it) and its versions' methods.
        if (LambdaEntries.isBody(name) && owner == access.source) {
            Optional<MethodHandle> body = lambdaBody(owner, name, descriptor, tag == Opcodes.H_INVOKESTATIC,
                    access.caller != owner);
            if (body.isPresent()) {
                return body.get();
            }
        }
        return checkedCalls.target(access, tag, owner, name, descriptor);
    }

    /** The site of a lambda body made by code that stays in its class ({@link #lambdaBody}). */
    private static final class BodySite extends MutableCallSite {
        EntrySite entry;
        /**
         * Made by a version's method, not by a constructor: once a swap removes its body, the
         * lambda keeps the body it had (a frame still running that method finishes in its old
         * code, lambdas included) instead of throwing.
         */
        boolean keepsRemovedBody;

        BodySite(MethodType type) {
            super(type);
        }
    }

    /** Lambda bodies made by code that stays in its class, weakly: lambda objects and their call sites hold them. */
    private final List<WeakReference<BodySite>> bodies = new ArrayList<>();

    /**
     * A lambda body of the newest version of a class under the engine, for a lambda that code
     * staying in the class makes (its constructors are written anew for each version, and cannot
     * name the version holding the body): relinked on each swap as an entry of a lambda body is
     * ({@link LambdaEntries}), so the lambda runs its own body as the source now has it.
     */
    private Optional<MethodHandle> lambdaBody(Class<?> owner, String name, String descriptor, boolean isStatic,
                                              boolean keepsRemovedBody) {
        Managed m = registry.get(owner);
        Version v = m == null ? null : m.current;
        Optional<ClassModel.Member> member = v == null ? Optional.empty()
                : v.method(name, descriptor).filter(x -> x.is(Opcodes.ACC_STATIC) == isStatic);
        if (member.isEmpty()) {
            return Optional.empty();
        }
        MethodHandle body = v.methods().get(name + descriptor);
        BodySite site = new BodySite(body.type());
        site.entry = new EntrySite(site, owner, name, descriptor, isStatic);
        site.keepsRemovedBody = keepsRemovedBody;
        site.entry.from = v.model();
        site.entry.bodyHash = v.model().bodyHash(member.get()).orElse(0L);
        site.setTarget(body);
        bodies.add(new WeakReference<>(site));
        return Optional.of(site.dynamicInvoker());
    }

    /** The newest version of a method declared by {@code owner}, unchecked: for the engine itself and reflection. */
    Optional<MethodHandle> newest(Class<?> owner, String name, String descriptor, boolean isStatic) {
        return checkedCalls.newest(owner, name, descriptor, isStatic);
    }

    /**
     * {@code Object.clone()} called through {@code Object} ({@code invokevirtual
     * java/lang/Object.clone}): the JVM lets any class make that call on an array, whose clone()
     * is public (JLS 10.7; HotSpot's verifier: "arrays pretend to implement public Object
     * clone()"), and Kotlin's enum {@code values()} makes it ({@code $VALUES.clone()}). The JDK's
     * {@code findVirtual} narrows the protected method's receiver to the source, so an array is
     * cloned here instead; any other receiver goes to {@code protectedClone}, narrowed.
     */
    static MethodHandle orArrayClone(MethodHandle protectedClone) {
        MethodType type = protectedClone.type();
        return MethodHandles.guardWithTest(IS_ARRAY.asType(type.changeReturnType(boolean.class)), CLONE_ARRAY.asType(type),
                protectedClone);
    }

    private static boolean isArray(Object o) {
        return o != null && o.getClass().isArray();
    }

    /** What an array's own clone() gives: a shallow copy of the same class. */
    private static Object cloneArray(Object array) {
        int length = java.lang.reflect.Array.getLength(array);
        Object copy = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), length);
        System.arraycopy(array, 0, copy, 0, length);
        return copy;
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

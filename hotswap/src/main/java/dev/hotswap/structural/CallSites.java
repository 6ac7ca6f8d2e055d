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
                    String.class, String.class, MethodType.class, Optional.class, Object.class));
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
        /** The class whose code holds the site: what it may reach is what its source could. */
        final Class<?> caller;
        final int kind;
        final Class<?> owner;
        final String name;
        final String descriptor;

        LinkedSite(Class<?> caller, MethodType type, int kind, Class<?> owner, String name, String descriptor) {
            super(type);
            this.caller = caller;
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

    CallSite callSite(Class<?> caller, int kind, Class<?> owner, String name, String descriptor, MethodType type) {
        if (kind == Linker.PROTECTED) {
            if (!Access.allowed(caller, owner, Modifier.PROTECTED, registry)) {
                return new ConstantCallSite(illegalAccess(type, caller, owner.getName() + "." + name + descriptor));
            }
            // The JVM's own dispatch, through the one lookup that may reach the member from here.
            MethodType member = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
            try {
                MethodHandle handle = type.parameterCount() == member.parameterCount()
                        ? trusted.findStatic(owner, name, member) : trusted.findVirtual(owner, name, member);
                return new ConstantCallSite(handle.asType(type));
            } catch (ReflectiveOperationException e) {
                return new ConstantCallSite(noSuchMethod(type, owner.getName() + "." + name + descriptor));
            }
        }
        if (kind == Linker.VIRTUAL) {
            return new MutableCallSite(dispatcher(type, name, descriptor, registry.versionOf(caller)));
        }
        LinkedSite site = new LinkedSite(caller, type, kind, owner, name, descriptor);
        link(site);
        targets.now(site);
        calls.add(new WeakReference<>(site));
        return site;
    }

    /** After a batch went in: every entry and call site to the newest versions, in one sync. */
    void relink() {
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
            retarget(entry.site, implementation(parent, entry.name, entry.descriptor).map(h -> h.asType(type))
                    .orElseGet(() -> noSuchMethod(type, what)));
            return;
        }
        boolean direct = now.isPresent() && !now.get().is(Opcodes.ACC_STATIC) && !now.get().is(Opcodes.ACC_ABSTRACT)
                && (now.get().is(Opcodes.ACC_PRIVATE) || !overriddenAnew.contains(entry.name + entry.descriptor)
                || Catchers.METHODS.contains(entry.name + entry.descriptor));
        retarget(entry.site, direct ? v.methods().get(entry.name + entry.descriptor).asType(type)
                : dispatchers.computeIfAbsent(type + entry.name + entry.descriptor,
                        k -> dispatcher(type, entry.name, entry.descriptor, Optional.empty())));
    }

    private void link(LinkedSite site) {
        MethodType type = site.type();
        String what = site.owner.getName() + "." + site.name + site.descriptor;
        Optional<MethodHandle> target = switch (site.kind) {
            case Linker.STATIC -> newest(site.owner, site.name, site.descriptor, true, Optional.of(site.caller));
            case Linker.DIRECT -> newest(site.owner, site.name, site.descriptor, false, Optional.of(site.caller));
            default -> implementation(site.owner, site.name, site.descriptor);
        };
        retarget(site, target.map(h -> h == ILLEGAL_ACCESS ? illegalAccess(type, site.caller, what) : h.asType(type))
                .orElseGet(() -> noSuchMethod(type, what)));
    }

    /** The method a method handle constant in new code means, found in the newest versions ({@link Linker#lambdaOf}). */
    MethodHandle target(Class<?> caller, int tag, Class<?> owner, String name, String descriptor)
            throws NoSuchMethodException, IllegalAccessException {
        MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
        Optional<MethodHandle> found = switch (tag) {
            case Opcodes.H_INVOKESTATIC -> newest(owner, name, descriptor, true, Optional.of(caller));
            case Opcodes.H_INVOKESPECIAL -> newest(owner, name, descriptor, false, Optional.of(caller));
            default -> {
                try {
                    // A method the loaded class has: the JVM's own dispatch (entries lead to the newest versions).
                    MethodHandle virtual = trusted.findVirtual(owner, name, type);
                    java.lang.reflect.Member member = MethodHandles.reflectAs(Method.class, virtual);
                    yield Optional.of(Access.allowed(caller, member.getDeclaringClass(), member.getModifiers(), registry)
                            ? virtual : ILLEGAL_ACCESS);
                } catch (NoSuchMethodException | IllegalAccessException e) {
                    yield Optional.of(dispatcher(type.insertParameterTypes(0, owner), name, descriptor, Optional.empty()));
                }
            }
        };
        if (found.isPresent() && found.get() == ILLEGAL_ACCESS) {
            throw new IllegalAccessException(Access.source(caller, registry).getName() + " may not reach "
                    + owner.getName() + "." + name + descriptor);
        }
        return found.orElseThrow(() -> new NoSuchMethodException(owner.getName() + "." + name + descriptor));
    }

    /**
     * The newest version of a member declared by {@code owner} itself; {@link #ILLEGAL_ACCESS}
     * when the caller's source could not reach it.
     */
    Optional<MethodHandle> newest(Class<?> owner, String name, String descriptor, boolean isStatic,
                                  Optional<Class<?>> caller) {
        Managed m = registry.get(owner);
        if (m != null && m.current != null) {
            Version current = m.current;
            return current.method(name, descriptor).filter(x -> x.is(Opcodes.ACC_STATIC) == isStatic)
                    .map(x -> caller.isEmpty() || Access.allowed(caller.get(), owner, x.access(), registry)
                            ? current.methods().get(name + descriptor) : ILLEGAL_ACCESS);
        }
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(owner)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && Modifier.isStatic(method.getModifiers()) == isStatic) {
                if (caller.isPresent() && !Access.allowed(caller.get(), owner, method.getModifiers(), registry)) {
                    return Optional.of(ILLEGAL_ACCESS);
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

    /** {@code (owner, args)R}: the newest implementation of an instance method for the receiver's class. */
    MethodHandle dispatching(Class<?> owner, String name, String descriptor) {
        MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader()).insertParameterTypes(0, owner);
        return dispatcher(type, name, descriptor, Optional.empty());
    }

    /** A call site target that finds the implementation for the receiver's class, cached per class. */
    private MethodHandle dispatcher(MethodType type, String name, String descriptor, Optional<Version> caller) {
        MethodHandle resolver = MethodHandles.insertArguments(RESOLVE, 0, this, name, descriptor, type, caller);
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
    MethodHandle resolve(String name, String descriptor, MethodType type, Optional<Version> caller, Object receiver) {
        if (receiver == null) {
            // A version's handler replaces this message with the one a fresh start gives (Linker.helpful).
            throw new NullPointerException(NULL_RECEIVER.replace("%s", name));
        }
        Class<?> receiverClass = receiver.getClass();
        String key = receiverClass.getName() + '@' + System.identityHashCode(receiverClass) + '.' + name + descriptor + type;
        Optional<MethodHandle> found = Optional.ofNullable(dispatch.get(key));
        if (found.isPresent()) {
            return found.get();
        }
        // Code of an older version still running (a frame that began before the swap) may call a
        // method the newest version removed: it finishes with its own version's sibling.
        Optional<MethodHandle> implemented = implementation(receiverClass, name, descriptor);
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
        if (caller.isEmpty()) {
            dispatch.put(key, target);
        }
        return target;
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

    /** The implementation a virtual call finds, starting at {@code start}: newest versions first. */
    Optional<MethodHandle> implementation(Class<?> start, String name, String descriptor) {
        for (Class<?> k = start; k != null; k = k.getSuperclass()) {
            Optional<MethodHandle> found = declared(k, name, descriptor);
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
                Optional<MethodHandle> found = declared(i, name, descriptor);
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

    /** The body of an instance method declared by {@code k} (in its newest version), if any. */
    private Optional<MethodHandle> declared(Class<?> k, String name, String descriptor) {
        Managed m = registry.get(k);
        if (m != null && m.current != null) {
            Version current = m.current;
            return current.method(name, descriptor)
                    .filter(x -> !x.is(Opcodes.ACC_STATIC) && !x.is(Opcodes.ACC_ABSTRACT))
                    .map(x -> current.methods().get(name + descriptor));
        }
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)
                    && !Modifier.isStatic(method.getModifiers()) && !Modifier.isAbstract(method.getModifiers())) {
                try {
                    return Optional.of(trusted.in(k).unreflectSpecial(method, k));
                } catch (IllegalAccessException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private MethodHandle illegalAccess(MethodType type, Class<?> caller, String what) {
        return illegalAccess(type, Access.source(caller, registry).getName() + " may not reach " + what);
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

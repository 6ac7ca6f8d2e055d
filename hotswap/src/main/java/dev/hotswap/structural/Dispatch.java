package dev.hotswap.structural;

import dev.hotswap.structural.Resolution.Resolved;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Which method a call runs, worked out at the call by the targets made here: the dispatch of an
 * instance method on the receiver's class (the newest implementation, as the JVM selects it,
 * cached per class until the next batch), for a virtual call in new code after its access check
 * ({@link Checked}: worked out again after each batch, the receiver checked at each call); and for
 * a method the newest version removed, the method as the calling frame's version had it
 * ({@link #forOldFrame}).
 *
 * <p>Thread-safety: the targets are made under the engine's lock ({@link CallSites}), and run on
 * any thread without it; a call that meets a batch's publication waits for it ({@link #publishing}).
 */
final class Dispatch {
    private static final MethodHandle RESOLVE;
    private static final MethodHandle OLD_FRAMES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RESOLVE = lookup.findVirtual(Dispatch.class, "resolve", MethodType.methodType(MethodHandle.class,
                    String.class, String.class, MethodType.class, Optional.class, Optional.class, Object.class));
            OLD_FRAMES = lookup.findVirtual(Dispatch.class, "forOldFrame", MethodType.methodType(MethodHandle.class,
                    Class.class, String.class, String.class, boolean.class, MethodType.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Registry registry;
    private final Resolution resolution;
    /**
     * The implementations found, by receiver's class, member, site type and resolved class; a new
     * map after each publication, so that one found before it cannot land in the new one.
     */
    private volatile Map<String, MethodHandle> cached = new ConcurrentHashMap<>();
    private volatile Receivers receivers = Receivers.NONE;
    /**
     * Counts publications, twice each: odd while a batch publishes (the registry takes its
     * classes and versions, then the call sites are relinked). A virtual call's access check
     * ({@link Checked}) is worked out once per value. A call resolves against one side of a
     * publication, never half of each: a check from before it with versions from after it would
     * miss a method whose modifiers differ between the two (a nested class a swap added runs its
     * private methods opened as loaded, private in its versions) and throw NoSuchMethodError at
     * code that began before the swap.
     */
    private volatile int epoch;
    /** Held by a batch while it publishes; a call that met a publication resolves again once it is over. */
    private final ReentrantLock publication = new ReentrantLock();

    Dispatch(Registry registry, Resolution resolution) {
        this.registry = registry;
        this.resolution = resolution;
    }

    void receivers(Receivers receivers) {
        this.receivers = receivers;
        cached = new ConcurrentHashMap<>();
    }

    /**
     * Opens ({@code true}, before the registry changes) or closes the publication of a batch, on
     * the batch's thread (under the engine's lock); access checks are worked out again and
     * implementations found again after it.
     */
    void publishing(boolean open) {
        if (open) {
            publication.lock();
            epoch++;
        } else {
            cached = new ConcurrentHashMap<>();
            epoch++;
            publication.unlock();
        }
    }

    /** A call site target that finds the implementation for the receiver's class, for any caller (the asker checked it). */
    MethodHandle dispatcher(MethodType type, String name, String descriptor) {
        return dispatcher(type, name, descriptor, Optional.empty(), Optional.empty());
    }

    /**
     * A call site target of a virtual call through {@code owner} in code with {@code access}'s
     * rights: for the receivers that a {@link Checked} allows, the implementation for the
     * receiver's class; with {@code caller}, the version whose code calls (its own sibling when no
     * class implements the method).
     */
    MethodHandle checkedDispatcher(MethodType type, Optional<Version> caller, Access access, Class<?> owner, String name,
                                   String descriptor) {
        return dispatcher(type, name, descriptor, caller, Optional.of(new Checked(access, owner, name, descriptor)));
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
                Optional<Resolved> resolved = resolution.of(owner, name, descriptor);
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
        int seen = epoch;
        if ((seen & 1) == 0) {
            MethodHandle target = resolve(name, descriptor, type, caller, check, receiver, cached);
            if (epoch == seen) {
                return target;
            }
        }
        // A batch publishes, or did meanwhile: resolved again once it is in (the batch's own thread goes on).
        publication.lock();
        try {
            return resolve(name, descriptor, type, caller, check, receiver, cached);
        } finally {
            publication.unlock();
        }
    }

    private MethodHandle resolve(String name, String descriptor, MethodType type, Optional<Version> caller,
                                 Optional<Checked> check, Object receiver, Map<String, MethodHandle> cached) {
        Class<?> receiverClass = receiver.getClass();
        // The class of the method the call resolved to: a package-private method elsewhere does not override it.
        Class<?> resolvedIn = type.parameterType(0);
        boolean unresolved = false;
        if (check.isPresent()) {
            String refusal = check.get().refusal(receiver);
            if (refusal != null) {
                return CallSites.illegalAccess(type, refusal);
            }
            Optional<Resolved> resolved = check.get().verdict().resolved();
            unresolved = resolved.isEmpty();
            if (resolved.isPresent() && Modifier.isPrivate(resolved.get().modifiers())) {
                // A private method is the one called, whatever the receiver's class (JVMS 5.4.6).
                return resolution.privateMethod(resolved.get().declaring(), name, descriptor).map(h -> h.asType(type))
                        .orElseGet(() -> CallSites.noSuchMethod(type, resolved.get().declaring().getName() + "." + name + descriptor));
            }
            resolvedIn = resolved.map(Resolved::declaring).orElse(resolvedIn);
        }
        String key = receiverClass.getName() + '@' + System.identityHashCode(receiverClass) + '.' + name + descriptor + type
                + '@' + System.identityHashCode(resolvedIn);
        Optional<MethodHandle> found = unresolved ? Optional.empty() : Optional.ofNullable(cached.get(key));
        if (found.isPresent()) {
            return found.get();
        }
        // Code of an older version still running (a frame that began before the swap) may call a
        // method the newest version removed: it finishes with its own version's sibling.
        Optional<MethodHandle> implemented = unresolved ? Optional.empty()
                : resolution.implementation(receiverClass, name, descriptor, resolvedIn);
        if (!unresolved && java.lang.reflect.Proxy.isProxyClass(receiverClass) && !declaresAsLoaded(receiverClass, name, descriptor)) {
            // A JDK proxy of an interface a swap added the method to: its handler takes every call, as a fresh proxy's would.
            Optional<MethodHandle> proxied = ProxyCalls.of(receiverClass, name, descriptor, type);
            if (proxied.isPresent()) {
                implemented = proxied;
            }
        }
        if (implemented.isPresent() && registry.get(receiverClass) == null && !java.lang.reflect.Proxy.isProxyClass(receiverClass)) {
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
        if (implemented.isEmpty() && callingFrame(0).filter(f -> isSelf(f, name, descriptor, false)).isPresent()) {
            // Removed, and called by itself in an older version: gone, as for any other caller (see forOldFrame).
            return CallSites.noSuchMethod(type, receiverClass.getName() + "." + name + descriptor);
        }
        MethodHandle target = implemented
                .or(() -> caller.filter(v -> v.method(name, descriptor).filter(m -> !m.is(Opcodes.ACC_STATIC)).isPresent())
                        .map(v -> v.methods().get(name + descriptor)))
                .map(h -> h.asType(type))
                .orElseGet(() -> CallSites.noSuchMethod(type, receiverClass.getName() + "." + name + descriptor));
        if (caller.isEmpty() && !unresolved) {
            cached.put(key, target);
        }
        return target;
    }

    /**
     * The target of an entry whose method the newest version removed: a frame that began in an
     * older version (or in the class's code as loaded) finishes with the method it had, as
     * DCEVM's; any other caller gets {@code NoSuchMethodError}, as after a fresh compile, and so
     * does the removed method's own frame calling it again (DCEVM's rule: a recursion that only
     * the removal ended would otherwise run until the stack overflows). Asks
     * the stack at each call: only stale calls pay for it.
     */
    MethodHandle removed(MethodType type, Class<?> owner, String name, String descriptor) {
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
        Optional<StackWalker.StackFrame> frame = callingFrame(1);
        if (frame.isPresent() && isSelf(frame.get(), name, descriptor, isStatic)) {
            // The removed method calling itself: a new call of a method that is gone, as in DCEVM
            // (its DeleteActiveMethodTest), never a recursion that nothing ends but the stack.
            return CallSites.noSuchMethod(type, owner.getName() + "." + name + descriptor);
        }
        Optional<Class<?>> caller = frame.<Class<?>>map(StackWalker.StackFrame::getDeclaringClass);
        Optional<Class<?>> host = caller.<Class<?>>map(c -> Access.source(c, registry))
                .filter(h -> isStatic ? h == owner : h.isAssignableFrom(owner));
        Optional<Version> version = host.flatMap(h -> caller.get().isHidden() || VersionLoader.isVersion(caller.get()) ? registry.versionOf(caller.get())
                : registry.of(h).map(m -> m.original));
        return version.flatMap(v -> v.method(name, descriptor).filter(x -> x.is(Opcodes.ACC_STATIC) == isStatic)
                        .map(x -> v.methods().get(name + descriptor)))
                .map(h -> h.asType(type))
                .orElseGet(() -> CallSites.noSuchMethod(type, owner.getName() + "." + name + descriptor));
    }

    /** The frame that made the call being linked, past ours, the method handle machinery and {@code entries} more. */
    private static Optional<StackWalker.StackFrame> callingFrame(int entries) {
        return FRAMES.walk(frames -> frames
                .filter(f -> f.getDeclaringClass() != Dispatch.class && f.getDeclaringClass() != Linker.class
                        && !f.getDeclaringClass().getName().startsWith("java.lang.invoke."))
                .skip(entries).findFirst());
    }

    /**
     * True when {@code frame} runs the method {@code name descriptor} itself: as loaded (an
     * obsolete method of the class) or in a version (where an instance method is static and takes
     * its object first).
     */
    private static boolean isSelf(StackWalker.StackFrame frame, String name, String descriptor, boolean isStatic) {
        if (!frame.getMethodName().equals(name)) {
            return false;
        }
        String own = frame.getDescriptor();
        if (own.equals(descriptor)) {
            return true;
        }
        Type[] mine = Type.getArgumentTypes(own);
        Type[] removed = Type.getArgumentTypes(descriptor);
        return !isStatic && mine.length == removed.length + 1 && mine[0].getSort() == Type.OBJECT
                && Type.getReturnType(own).equals(Type.getReturnType(descriptor))
                && java.util.Arrays.equals(mine, 1, mine.length, removed, 0, removed.length);
    }

    private static boolean declaresAsLoaded(Class<?> k, String name, String descriptor) {
        for (Method method : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
            if (method.getName().equals(name) && Type.getMethodDescriptor(method).equals(descriptor)) {
                return true;
            }
        }
        return false;
    }
}

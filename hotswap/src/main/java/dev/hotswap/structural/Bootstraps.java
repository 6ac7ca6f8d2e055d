package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.Optional;

/**
 * The bootstrap methods' side of the engine ({@link Linker}): each admits only a caller whose
 * code the engine wrote, waits for a batch being published, and does its work under the engine's
 * lock, which a batch's commit and publication hold too, so that no call site links against a
 * batch half published. What each hands out is checked against the rights of the caller's source
 * class ({@link Access}), never the lookup's: a forged caller gets what its module has, no more.
 */
final class Bootstraps {
    private final Engine engine;
    private final Registry registry;
    private final CallSites sites;
    private final AddedFields fields;
    /**
     * Open while a committed batch is being published, initializers included: bootstraps on
     * other threads wait for it to close, for {@link #PUBLICATION_WAIT_MILLIS} at most. Bounded, since a
     * thread initializing a class that the batch's initializer needs could otherwise wait forever.
     */
    private volatile java.util.concurrent.CountDownLatch publication;
    private volatile Thread publisher;
    private static final long PUBLICATION_WAIT_MILLIS = 2_000;

    Bootstraps(Engine engine, Registry registry, CallSites sites, AddedFields fields) {
        this.engine = engine;
        this.registry = registry;
        this.sites = sites;
        this.fields = fields;
    }

    /**
     * Refuses a caller whose code the engine did not write: only such code may use the engine's
     * reach. The lookup must be the class's own (full privilege), as the JVM hands a bootstrap.
     */
    private void admit(MethodHandles.Lookup caller, String bootstrap) {
        Class<?> type = caller.lookupClass();
        if (!caller.hasFullPrivilegeAccess() || !registry.engineWrote(type)) {
            throw new IllegalCallerException("hotswap: " + type.getName() + " may not call Linker." + bootstrap
                    + ": only code that hotswap's structural engine wrote may (it reaches members the caller could not)");
        }
    }

    /** Opens ({@code true}) or closes the publication of a batch; called by the batch's thread. */
    void publishing(boolean open) {
        if (open) {
            publisher = Thread.currentThread();
            publication = new java.util.concurrent.CountDownLatch(1);
        } else {
            java.util.concurrent.CountDownLatch latch = publication;
            publication = null;
            publisher = null;
            if (latch != null) {
                latch.countDown();
            }
        }
    }

    /** Waits, boundedly, for a batch being published; never on the publishing thread itself. */
    private void awaitPublication() {
        java.util.concurrent.CountDownLatch latch = publication;
        if (latch != null && publisher != Thread.currentThread()) {
            try {
                latch.await(PUBLICATION_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A bootstrap's work, which may fail as reflection does. */
    private interface Served<T> {
        T run(Access caller) throws NoSuchMethodException, IllegalAccessException;
    }

    /**
     * Serves a bootstrap method: waits for a batch being published, then, under the engine's lock,
     * admits the caller and does the work, with the rights of the caller's source ({@link Access}):
     * admission proves only that the lookup is of a class the engine wrote, which any code of its
     * module can have, so the work checks every member it hands out against those rights.
     */
    private <T> T serve(MethodHandles.Lookup caller, String bootstrap, Served<T> work)
            throws NoSuchMethodException, IllegalAccessException {
        awaitPublication();
        synchronized (engine) {
            admit(caller, bootstrap);
            return work.run(Access.of(caller, registry, engine.trusted()));
        }
    }

    /** As {@link #serve}, for work that cannot fail so. */
    private <T> T serveSafely(MethodHandles.Lookup caller, String bootstrap, Served<T> work) {
        try {
            return serve(caller, bootstrap, work);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    MutableCallSite entrySite(MethodHandles.Lookup caller, String name, String descriptor, boolean isStatic,
                              MethodType type) {
        return serveSafely(caller, "entry", access -> {
            Class<?> c = access.caller;
            Managed m = registry.get(c);
            if (m == null) {
                throw new IllegalCallerException("hotswap: " + c.getName() + " is not under the structural engine");
            }
            // Only the entry of a method the class was loaded with, of the type its trampoline calls it
            // with (receiver: the class itself): a site of any other shape would dispatch on receivers
            // the class's own code never has.
            String expected = isStatic ? descriptor : CodeRewriter.withReceiver(c.getName().replace('.', '/'), descriptor);
            if (!LoadRewriter.declares(m.loaded, false, name, descriptor, isStatic)
                    || !type.toMethodDescriptorString().equals(expected) || (!isStatic && type.parameterType(0) != c)) {
                throw new IllegalCallerException("hotswap: " + c.getName() + " has no entry " + name + descriptor
                        + (isStatic ? " (static)" : "") + " of type " + type);
            }
            return sites.entrySite(c, name, descriptor, isStatic, type);
        });
    }

    CallSite callSite(MethodHandles.Lookup caller, int kind, Class<?> owner, String name, String descriptor,
                      MethodType type) {
        return serveSafely(caller, "call", access -> sites.callSite(access, kind, owner, name, descriptor, type));
    }

    CallSite fieldSite(MethodHandles.Lookup caller, int opcode, Class<?> owner, String name, String descriptor,
                       MethodType type) {
        return serveSafely(caller, "field", access -> fields.fieldSite(Optional.of(access), opcode, owner, name, descriptor, type));
    }

    /** The method a method handle constant in new code means, found in the newest versions ({@link Linker#lambdaOf}). */
    MethodHandle target(MethodHandles.Lookup caller, int tag, Class<?> owner, String name, String descriptor)
            throws NoSuchMethodException, IllegalAccessException {
        return serve(caller, "lambdaOf", access -> sites.target(access, tag, owner, name, descriptor));
    }

    /** {@link #constructorIndex}'s answer for a constructor the caller's source may not call. */
    static final int NOT_ALLOWED = -2;

    /** The number of a constructor that a swap added to {@code owner}, -1 for none, or {@link #NOT_ALLOWED}. */
    int constructorIndex(MethodHandles.Lookup caller, Class<?> owner, String descriptor) {
        // As every bootstrap: after the batch that wrote the caller is published (a request thread may
        // reach the new code between the commit and the publication), under the engine's lock.
        return serveSafely(caller, "construct", access -> {
            Managed m = registry.get(owner);
            int index = m == null ? -1 : m.addedConstructors.indexOf(descriptor);
            Version current = m == null ? null : m.current;
            if (index >= 0 && current != null) {
                int modifiers = current.method("<init>", descriptor).map(ClassModel.Member::access).orElse(0);
                try {
                    // Protected as for a member: this call may be a subclass's super(...) (new and super look alike here).
                    access.member(owner, owner, modifiers, owner.getName() + ".<init>" + descriptor);
                } catch (IllegalAccessException e) {
                    return NOT_ALLOWED;
                }
            }
            return index;
        });
    }

    /** A class named in a named version's code, in its host's loader, if the host may use it. */
    Class<?> type(MethodHandles.Lookup caller, String internalName) {
        return serveSafely(caller, "type", access -> {
            Class<?> host = registry.hostOf(access.caller).orElseThrow(() -> new IllegalCallerException(
                    "hotswap: " + access.caller.getName() + " is no version of the engine's"));
            Class<?> found;
            try {
                found = Class.forName(internalName.replace('/', '.'), false, host.getClassLoader());
            } catch (ClassNotFoundException e) {
                NoClassDefFoundError error = new NoClassDefFoundError(internalName);
                error.initCause(e);
                throw error;
            }
            try {
                access.type(found);
            } catch (IllegalAccessException e) {
                throw new IllegalAccessError(e.getMessage()); // as the JVM resolving the class constant
            }
            return found;
        });
    }

    /** A constructor called by a named version's code ({@code new}), with its host's access rules. */
    MethodHandle constructor(MethodHandles.Lookup caller, Class<?> owner, String descriptor) {
        return serveSafely(caller, "create", access -> {
            MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
            String what = owner.getName() + ".<init>" + descriptor;
            Managed m = registry.get(owner);
            try {
                if (m == null) {
                    // The JVM knows it as it is: the JDK checks it, as for the host's own new.
                    return access.lookup().findConstructor(owner, type.changeReturnType(void.class));
                }
                // As loaded (a carrier the newest version lacks too); reflection answers as the newest version.
                int modifiers = m.loaded.methods().stream()
                        .filter(x -> x.name().equals("<init>") && x.descriptor().equals(descriptor))
                        .mapToInt(ClassModel.Member::access).findFirst().orElse(-1);
                if (modifiers < 0) {
                    return CallSites.noSuchMethod(type.changeReturnType(owner), what);
                }
                access.constructor(owner, modifiers, what);
                return engine.trusted().findConstructor(owner, type.changeReturnType(void.class));
            } catch (NoSuchMethodException e) {
                return CallSites.noSuchMethod(type.changeReturnType(owner), what);
            } catch (IllegalAccessException e) {
                return CallSites.illegalAccess(type.changeReturnType(owner), access.refusal(what, e));
            }
        });
    }

    /**
     * Checks a caller of a bootstrap that serves only code the engine wrote and needs nothing of
     * the engine's state ({@link Linker#lambda}, {@link Linker#typeOp}).
     */
    void admitted(MethodHandles.Lookup caller, String bootstrap) {
        awaitPublication();
        synchronized (engine) {
            admit(caller, bootstrap);
            // Both serve only versions' code (a lambda in a version; a cast in a named version): no other caller needs them.
            if (registry.hostOf(caller.lookupClass()).isEmpty()) {
                throw new IllegalCallerException("hotswap: " + caller.lookupClass().getName() + " may not call Linker."
                        + bootstrap + ": only a version's code may");
            }
        }
    }
}

package dev.hotswap.integration;

import dev.hotswap.base.Fatal;
import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * The frameworks hotswap follows, each through one {@link Integration}. Nothing of a framework is
 * loaded or changed until the program loads it: the one transformer hands every class load of a
 * non-watched class to {@link #transform}, which recognises a framework by one class (its
 * application context, its object mapper), makes that class's constructors report each object
 * made ({@link ConstructorHook}), and notes the loader. The follower itself is made at the
 * first batch after that, in a loader of its own ({@link FollowerLoader}).
 *
 * <p>One per JVM in effect (the objects it saw are the JVM's), made by the first session.
 */
public final class Frameworks {
    /** A followed framework: the class whose objects it watches, and its follower class. */
    record Known(String name, String marker, String follower) {
        String markerBinary() {
            return marker.replace('/', '.');
        }

        String followerPackage() {
            return follower.substring(0, follower.lastIndexOf('.') + 1);
        }
    }

    static final List<Known> KNOWN = List.of(
            new Known("Spring", "org/springframework/context/support/AbstractApplicationContext",
                    "dev.hotswap.integration.spring.SpringFollower"),
            new Known("Jackson 2", "com/fasterxml/jackson/databind/ObjectMapper",
                    "dev.hotswap.integration.jackson2.Jackson2Follower"),
            new Known("Jackson 3", "tools/jackson/databind/ObjectMapper",
                    "dev.hotswap.integration.jackson3.Jackson3Follower"));

    private final Instrumentation instrumentation;
    private final Consumer<String> problems;
    private final boolean hooksAvailable;
    /** Per framework, per loader of its marker class: what was seen there. Guarded by itself. */
    private final Map<Known, Map<ClassLoader, Active>> active = new java.util.LinkedHashMap<>();

    /**
     * @param hooksAvailable whether {@code java.lang.HotswapHooks} exists (reflection took its
     *                       hooks): without it, frameworks are not followed at all
     */
    public Frameworks(Instrumentation instrumentation, boolean hooksAvailable, Consumer<String> problems) {
        this.instrumentation = instrumentation;
        this.hooksAvailable = hooksAvailable;
        this.problems = problems;
    }

    /** Spring Boot DevTools' restarter: with it, every change also restarts the context, losing its state. */
    private static final String DEVTOOLS = "org/springframework/boot/devtools/restart/Restarter";

    /** A class that is not the program's own is loading: a framework's marker gets its constructor hook. */
    public byte[] transform(ClassLoader loader, String className, byte[] bytes) {
        if (DEVTOOLS.equals(className) && !"false".equalsIgnoreCase(System.getProperty("spring.devtools.restart.enabled"))) {
            problems.accept("hotswap: Spring Boot DevTools is on the class path: it restarts the application on every change"
                    + " (losing its state) while hotswap swaps the classes; remove spring-boot-devtools, or run with"
                    + " -Dspring.devtools.restart.enabled=false");
            return null;
        }
        for (Known k : KNOWN) {
            if (k.marker().equals(className)) {
                if (!hooksAvailable) {
                    problems.accept("hotswap: " + k.name() + " is loaded, but this JVM did not take reflection's hooks:"
                            + " it will not follow swaps (new members, mappings, beans); restart to see such edits");
                    return null;
                }
                try {
                    byte[] hooked = ConstructorHook.hooked(bytes);
                    synchronized (active) {
                        active.computeIfAbsent(k, x -> new WeakHashMap<>()).computeIfAbsent(loader, l -> new Active(k, l));
                    }
                    return hooked;
                } catch (RuntimeException | LinkageError e) {
                    problems.accept("hotswap: cannot follow " + k.name() + " (" + e + "); it will not see swaps");
                    return null;
                }
            }
        }
        return null;
    }

    /** Called by {@code java.lang.HotswapHooks.seen} as a framework object's constructor returns. Never throws. */
    public void seen(Object made) {
        try {
            for (Class<?> c = made.getClass(); c != null; c = c.getSuperclass()) {
                for (Known k : KNOWN) {
                    if (k.markerBinary().equals(c.getName())) {
                        Active a;
                        synchronized (active) {
                            a = active.getOrDefault(k, Map.of()).get(c.getClassLoader());
                        }
                        if (a != null) {
                            a.add(made);
                        }
                        return;
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // inside a framework's constructor: nothing may escape; the object is just not followed
        }
    }

    /**
     * Frameworks already loaded when hotswap started (attached to a running JVM): their objects
     * made until then were not seen as they were made. Their followers are made all the same, to
     * find what they can by themselves (Spring Boot's application contexts); said once.
     */
    public void startedLate(Class<?>[] loaded) {
        Set<String> late = new LinkedHashSet<>();
        for (Class<?> c : loaded) {
            for (Known k : KNOWN) {
                if (k.markerBinary().equals(c.getName()) && c.getClassLoader() != null && hooksAvailable) {
                    synchronized (active) {
                        Map<ClassLoader, Active> byLoader = active.computeIfAbsent(k, x -> new WeakHashMap<>());
                        if (!byLoader.containsKey(c.getClassLoader())) {
                            // loaded before our transformer saw it, not just now on another thread
                            late.add(k.name());
                            Active a = new Active(k, c.getClassLoader());
                            a.late = true;
                            byLoader.put(c.getClassLoader(), a);
                        }
                    }
                }
            }
        }
        if (!late.isEmpty()) {
            problems.accept("hotswap: " + String.join(", ", late) + " started before hotswap: the objects they made until now"
                    + " are not seen (object mappers; application contexts other than Spring Boot's, which are found)"
                    + " and do not follow swaps; start hotswap with -javaagent to have them all followed");
        }
    }

    /** Lets every follower made so far drop what calls that straddled the last batch cached ({@link Integration#settle}). */
    public void settle() {
        for (Active a : actives()) {
            Integration made = a.made;
            if (made != null) {
                try {
                    made.settle();
                } catch (RuntimeException | LinkageError e) {
                    problems.accept("hotswap: " + a.known.name() + " integration failed after the batch (" + e + ")");
                }
            }
        }
    }

    /** Brings every followed framework up to date with a batch that went in; what did not follow comes back. */
    public Integration.Followed afterSwap(Swap swap) {
        List<Reason> warnings = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        Set<String> read = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        for (Active a : actives()) {
            if (a.isEmpty() && !a.late) {
                continue;
            }
            Optional<Integration> follower = a.follower();
            if (follower.isEmpty()) {
                warnings.addAll(a.unsupported
                        ? notFollowed(swap, a.failure, Kind.FRAMEWORK_NOT_FOLLOWED)
                        : notFollowed(swap, a.known.name() + "'s integration could not start (" + a.failure + ")",
                        Kind.FRAMEWORK_FAILED));
                continue;
            }
            try {
                Integration.Followed followed = follower.get().afterSwap(swap);
                warnings.addAll(followed.warnings());
                taken.addAll(followed.taken());
                read.addAll(followed.read());
                notes.addAll(followed.notes());
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e);
                // A follower's failure must not reach the program; the swap itself went in.
                warnings.addAll(notFollowed(swap, "hotswap's " + a.known.name() + " integration failed (" + e + ")",
                        Kind.FRAMEWORK_FAILED));
            }
        }
        // A class a follower took in (an entity mapped again) or warned about is the follower's to tell of.
        Set<String> told = new LinkedHashSet<>(taken);
        warnings.forEach(w -> told.add(w.className()));
        Unfollowed.warnings(swap).stream().filter(w -> !told.contains(w.className())).forEach(warnings::add);
        return new Integration.Followed(warnings, taken, List.copyOf(read), notes);
    }

    /** Every class of the batch a framework might manage, when its follower is not there: said for each. */
    private static List<Reason> notFollowed(Swap swap, String why, Kind kind) {
        List<Reason> reasons = new ArrayList<>();
        swap.changed().stream().filter(Swap.Changed::reshaped).forEach(c -> reasons.add(new Reason(c.type().getName(), "",
                why + ": the framework may still see this class as before; restart to be sure", kind)));
        swap.fresh().forEach(n -> reasons.add(new Reason(n, "", why + ": this new class was not registered with it;"
                + " restart to have it picked up", kind)));
        swap.resources().forEach(r -> reasons.add(new Reason(r.name(), "", why + ": this file was not read again;"
                + " restart to have its values", kind)));
        swap.removed().forEach(n -> reasons.add(new Reason(n, "", why + ": its class file was deleted, but what the"
                + " framework made of it stays; restart to drop it", kind)));
        return reasons;
    }

    /**
     * How a call of an added method reaches a receiver of a class hotswap does not manage that
     * lacks it (a framework's proxy): a follower's answer, or empty for the engine's default.
     */
    public Optional<MethodHandle> addedMethod(Class<?> receiverClass, String name, String descriptor, MethodType type) {
        try {
            return route(receiverClass, name, descriptor, type);
        } catch (RuntimeException | LinkageError e) {
            // Asked while a call links: a failure here would fail the program's call; the default stands.
            problems.accept("hotswap: could not ask the frameworks how " + receiverClass.getName() + " takes " + name
                    + descriptor + " (" + e + "); it runs with that receiver");
            return Optional.empty();
        }
    }

    private Optional<MethodHandle> route(Class<?> receiverClass, String name, String descriptor, MethodType type) {
        List<Active> followers = actives().stream().filter(a -> a.made != null).toList();
        if (followers.isEmpty()) {
            return Optional.empty();
        }
        Optional<Method> added = declared(receiverClass.getSuperclass(), name, descriptor);
        if (added.isEmpty()) {
            return Optional.empty();
        }
        for (Active a : followers) {
            try {
                Optional<MethodHandle> h = a.made.addedMethod(receiverClass, added.get(), type);
                if (h.isPresent()) {
                    return h;
                }
            } catch (RuntimeException | LinkageError e) {
                problems.accept("hotswap: " + a.known.name() + " integration could not route " + added.get() + ": " + e);
            }
        }
        return Optional.empty();
    }

    /** The method as reflection lists it now (a swap's additions included), declared by {@code start} or a superclass. */
    private static Optional<Method> declared(Class<?> start, String name, String descriptor) {
        for (Class<?> k = start; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                        .toMethodDescriptorString().equals(descriptor)) {
                    return Optional.of(m);
                }
            }
        }
        return Optional.empty();
    }

    private List<Active> actives() {
        synchronized (active) {
            List<Active> all = new ArrayList<>();
            active.values().forEach(m -> all.addAll(m.values()));
            return all;
        }
    }

    /** One framework in one loader: the objects seen, and the follower once made. */
    private final class Active implements Context {
        final Known known;
        private final WeakReference<ClassLoader> loader;
        private final List<WeakReference<Object>> objects = new ArrayList<>(); // guarded by itself
        volatile Integration made;
        String failure;
        /** The follower declined this version of its framework ({@code UnsupportedOperationException}). */
        boolean unsupported;
        /** The framework loaded before hotswap started: its follower finds what it can by itself. */
        volatile boolean late;
        private Module followerModule;

        Active(Known known, ClassLoader loader) {
            this.known = known;
            this.loader = new WeakReference<>(loader);
        }

        void add(Object made) {
            synchronized (objects) {
                objects.removeIf(r -> r.get() == null);
                for (WeakReference<Object> r : objects) {
                    if (r.get() == made) {
                        return; // a constructor calling another: seen once
                    }
                }
                objects.add(new WeakReference<>(made));
            }
        }

        boolean isEmpty() {
            return seen().isEmpty();
        }

        @Override
        public List<Object> seen() {
            synchronized (objects) {
                List<Object> alive = new ArrayList<>();
                objects.forEach(r -> {
                    Object o = r.get();
                    if (o != null) {
                        alive.add(o);
                    }
                });
                return Collections.unmodifiableList(alive);
            }
        }

        @Override
        public boolean startedLate() {
            return late;
        }

        @Override
        public void open(Class<?> type) {
            Module module = type.getModule();
            if (module.isNamed() && followerModule != null && !module.isOpen(type.getPackageName(), followerModule)) {
                instrumentation.redefineModule(module, Set.of(), Map.of(), Map.of(type.getPackageName(), Set.of(followerModule)),
                        Set.of(), Map.of());
            }
        }

        /** The follower, made the first time; empty (with {@link #failure}) when it cannot be. */
        Optional<Integration> follower() {
            if (made == null && failure == null) {
                ClassLoader framework = loader.get();
                try {
                    FollowerLoader own = new FollowerLoader(known.name().replace(' ', '-').toLowerCase(java.util.Locale.ROOT),
                            framework, known.followerPackage());
                    followerModule = own.getUnnamedModule();
                    // A follower uses the core's integration API and class models: exported to it alone.
                    Module core = Frameworks.class.getModule();
                    if (core.isNamed()) {
                        core.addExports(Frameworks.class.getPackageName(), followerModule);
                        core.addExports(dev.hotswap.classfile.Change.class.getPackageName(), followerModule);
                    }
                    made = (Integration) Class.forName(known.follower(), true, own).getConstructor(Context.class)
                            .newInstance(this);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
                    unsupported = cause instanceof UnsupportedOperationException;
                    failure = unsupported ? cause.getMessage() : String.valueOf(cause);
                    problems.accept("hotswap: " + known.name() + " will not follow swaps: its integration could not start ("
                            + failure + ")");
                }
            }
            return Optional.ofNullable(made);
        }
    }
}

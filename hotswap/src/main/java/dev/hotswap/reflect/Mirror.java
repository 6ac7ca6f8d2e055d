package dev.hotswap.reflect;

import dev.hotswap.base.Fatal;
import java.lang.annotation.Annotation;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reflection as the source now says. Installed once per JVM, when the first session starts
 * ({@link StartHooks}: {@code java.lang.Class} lists members through {@code java.lang.HotswapHooks})
 * and completed when the structural engine starts ({@link JdkHooks}: annotations, parameters, type
 * annotations, {@code Lookup}, {@code Unsafe}); the hooks call this object. For a class the program never swapped structurally the answer is the JVM's, with
 * hotswap's planted catchers left out; for a class under the engine it is the newest version's
 * ({@link View}), made once per version; everything else is untouched. The JDK caches what it
 * is told per class; {@link #changed} empties those caches after a batch.
 *
 * <p>Nothing here gives the program more reach than it had: the hooks only answer what public
 * reflection answers, and the objects made for added members check access as the JDK's do.
 */
public final class Mirror {
    private static Mirror installed; // one per JVM, as the JDK classes it changed: guarded by Mirror.class

    private final Instrumentation instrumentation;
    ConstantPools pools;
    private Accessors accessors;
    private Members members;
    private Lookups lookups;
    private final Planted planted = new Planted();
    private final Consumer<String> problems;
    private volatile Shapes shapes;
    private volatile boolean complained;
    private final java.util.Map<Class<?>, View> viewCache = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final MethodHandles.Lookup trusted;
    private Class<?> hooks;
    // The JDK's natives and internals, through the trusted lookup; all but the first four are
    // looked up when the engine starts (deepen), before the hooks that use them are patched in.
    private final MethodHandle rawFields;
    private final MethodHandle rawMethods;
    private final MethodHandle rawConstructors;
    private final MethodHandle rawComponents;
    private Components components;
    private MethodHandle rawParameters;
    private MethodHandle rawExecutableTypeAnnotations;
    private MethodHandle rawFieldTypeAnnotations;
    private final MethodHandle parseAnnotations;
    private MethodHandle parseParameterAnnotations;
    private MethodHandle parseMemberValue;
    private Caches caches;
    private final Sealing sealing;

    private Mirror(Instrumentation instrumentation, MethodHandles.Lookup trusted, Consumer<String> problems)
            throws ReflectiveOperationException {
        this.instrumentation = instrumentation;
        this.problems = problems;
        this.trusted = trusted;
        Class<?> pool = Class.forName("jdk.internal.reflect.ConstantPool");
        Class<?> parser = Class.forName("sun.reflect.annotation.AnnotationParser");
        rawFields = trusted.findVirtual(Class.class, "getDeclaredFields0", MethodType.methodType(Field[].class, boolean.class));
        rawMethods = trusted.findVirtual(Class.class, "getDeclaredMethods0", MethodType.methodType(Method[].class, boolean.class));
        rawConstructors = trusted.findVirtual(Class.class, "getDeclaredConstructors0",
                MethodType.methodType(Constructor[].class, boolean.class));
        sealing = new Sealing(trusted);
        rawComponents = trusted.findVirtual(Class.class, "getRecordComponents0",
                MethodType.methodType(RecordComponent[].class));
        parseAnnotations = trusted.findStatic(parser, "parseAnnotations", MethodType.methodType(Map.class, byte[].class, pool,
                Class.class)).asType(MethodType.methodType(Map.class, byte[].class, Object.class, Class.class));
    }

    /** What the engine's views and the rest of the hooks need, looked up once, when the engine starts. */
    private void deepen() throws ReflectiveOperationException {
        Class<?> pool = Class.forName("jdk.internal.reflect.ConstantPool");
        Class<?> parser = Class.forName("sun.reflect.annotation.AnnotationParser");
        this.pools = new ConstantPools(trusted);
        this.accessors = new Accessors(trusted);
        this.components = new Components(trusted);
        this.lookups = new Lookups(this, trusted);
        rawParameters = trusted.findVirtual(Executable.class, "getParameters0", MethodType.methodType(Parameter[].class));
        rawExecutableTypeAnnotations = trusted.findVirtual(Executable.class, "getTypeAnnotationBytes0",
                MethodType.methodType(byte[].class));
        rawFieldTypeAnnotations = trusted.findVirtual(Field.class, "getTypeAnnotationBytes0", MethodType.methodType(byte[].class));
        parseParameterAnnotations = trusted.findStatic(parser, "parseParameterAnnotations",
                MethodType.methodType(Annotation[][].class, byte[].class, pool, Class.class))
                .asType(MethodType.methodType(Annotation[][].class, byte[].class, Object.class, Class.class));
        parseMemberValue = trusted.findStatic(parser, "parseMemberValue", MethodType.methodType(Object.class, Class.class,
                java.nio.ByteBuffer.class, pool, Class.class)).asType(MethodType.methodType(Object.class, Class.class,
                java.nio.ByteBuffer.class, Object.class, Class.class));
        this.members = new Members(trusted, accessors);
        this.caches = new Caches(instrumentation, trusted, problems);
    }

    /**
     * The JVM's mirror, installing the hooks the first time. When the JDK cannot take them (a
     * JDK whose reflection is built otherwise), {@code problems} hears why, once, and reflection
     * answers as loaded: the catchers then show, and nothing a swap added.
     */
    public static synchronized Optional<Mirror> install(Instrumentation instrumentation, Consumer<String> problems) {
        if (installed != null) {
            return Optional.of(installed);
        }
        try {
            MethodHandles.Lookup trusted = Trusted.lookup(instrumentation);
            Mirror mirror = new Mirror(instrumentation, trusted, problems);
            Class<?> hooks = StartHooks.defineHooks(trusted);
            mirror.connect(hooks, trusted);
            StartHooks.patchClass(instrumentation);
            installed = mirror;
            return Optional.of(mirror);
        } catch (Throwable e) {
            Fatal.rethrowIfFatal(e);
            problems.accept("hotswap: reflection cannot follow swaps in this JVM (" + e + "); getDeclaredMethods() and the"
                    + " like list classes as loaded, with hotswap's toString()/equals/hashCode catchers");
            return Optional.empty();
        }
    }

    private void connect(Class<?> hooks, MethodHandles.Lookup trusted) throws ReflectiveOperationException {
        MethodHandles.Lookup own = MethodHandles.lookup();
        set(hooks, trusted, "declaredFields", own.bind(this, "declaredFields", MethodType.methodType(Field[].class, Class.class,
                boolean.class)));
        set(hooks, trusted, "declaredMethods", own.bind(this, "declaredMethods", MethodType.methodType(Method[].class,
                Class.class, boolean.class)));
        set(hooks, trusted, "declaredConstructors", own.bind(this, "declaredConstructors",
                MethodType.methodType(Constructor[].class, Class.class, boolean.class)));
        set(hooks, trusted, "recordComponents", own.bind(this, "recordComponents",
                MethodType.methodType(RecordComponent[].class, Class.class)));
        set(hooks, trusted, "permittedSubclasses", own.bind(this, "permittedSubclasses",
                MethodType.methodType(Class[].class, Class.class)));
        MethodType parse = MethodType.methodType(Map.class, byte[].class, Object.class, Class.class);
        set(hooks, trusted, "classAnnotations", own.bind(this, "classAnnotations", parse));
        this.hooks = hooks;
    }

    /** The hooks of the classes {@link JdkHooks} patches, set before they are. */
    private void connectRest() throws ReflectiveOperationException {
        MethodHandles.Lookup own = MethodHandles.lookup();
        MethodType parse = MethodType.methodType(Map.class, byte[].class, Object.class, Class.class);
        set(hooks, trusted, "annotations", own.bind(this, "annotations", parse));
        set(hooks, trusted, "parameterAnnotations", own.bind(this, "parameterAnnotations",
                parse.changeReturnType(Annotation[][].class)));
        set(hooks, trusted, "memberValue", own.bind(this, "memberValue", MethodType.methodType(Object.class, Class.class,
                java.nio.ByteBuffer.class, Object.class, Class.class)));
        set(hooks, trusted, "parameters", own.bind(this, "parameters", MethodType.methodType(Parameter[].class, Object.class)));
        set(hooks, trusted, "lookup", own.bind(lookups, "answer", MethodType.methodType(MethodHandle.class, Object.class,
                String.class, Object.class, Object.class, Object.class, Object.class)));
        set(hooks, trusted, "offsetOf", own.bind(this, "offsetOf", MethodType.methodType(void.class, Object.class)));
        set(hooks, trusted, "typeAnnotations", own.bind(this, "typeAnnotations", MethodType.methodType(byte[].class,
                Object.class)));
    }

    private static void set(Class<?> hooks, MethodHandles.Lookup trusted, String name, MethodHandle handle)
            throws ReflectiveOperationException {
        trusted.findStaticVarHandle(hooks, name, MethodHandle.class).setVolatile(handle);
    }

    // ---- what the rest of hotswap tells and asks ----

    /** Where {@code java.lang.HotswapHooks.seen} sends the framework objects it is told of (the integrations' registry). */
    public void onSeen(Consumer<Object> sink) {
        try {
            set(hooks, trusted, "seen", MethodHandles.lookup().findVirtual(Consumer.class, "accept",
                    MethodType.methodType(void.class, Object.class)).bindTo(sink));
        } catch (ReflectiveOperationException e) {
            problems.accept("hotswap: frameworks cannot be followed in this JVM (" + e + ")");
        }
    }

    /** Records the catchers a class is being loaded with. */
    public void planted(ClassLoader loader, String internalName, List<String> members) {
        planted.record(loader, internalName, members);
    }

    /** A sealed class loads without its {@code PermittedSubclasses}, which reflection still answers with. */
    public void unsealed(ClassLoader loader, String internalName, List<String> permitted) {
        sealing.stripped(loader, internalName, permitted);
    }

    /** True when the JVM has the class as sealed (it loaded with its list), whatever reflection answers. */
    public static boolean sealedAsLoaded(Class<?> type) {
        Mirror m = current();
        return m == null || type.getClassLoader() == null ? type.isSealed() : m.sealing.asLoaded(type) != null;
    }

    /** The catchers (name + descriptor) a class was loaded with. */
    public List<String> planted(Class<?> type) {
        return planted.of(type);
    }

    /**
     * From now on, classes under the engine answer as their newest version. The first time, the
     * rest of the JDK's reflection takes its hooks ({@link JdkHooks}); if it cannot, reflection
     * keeps answering as loaded (the catchers still left out), and {@code problems} hears why.
     */
    public synchronized void follow(Shapes engine) {
        if (!hooked) {
            try {
                deepen();
                connectRest();
                JdkHooks.patch(instrumentation);
                hooked = true;
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e);
                problems.accept("hotswap: reflection cannot follow swaps in this JVM (" + e + "); classes swapped"
                        + " structurally are listed by reflection as loaded");
                return;
            }
        }
        this.shapes = engine;
    }

    private boolean hooked; // guarded by this

    /** After a batch: these classes changed shape; the JDK forgets what it cached for them and their subclasses. */
    public void changed(Collection<Class<?>> types) {
        if (types.isEmpty() || shapes == null) {
            return;
        }
        java.util.Set<Class<?>> changed = new java.util.HashSet<>(types);
        synchronized (viewCache) {
            viewCache.keySet().removeAll(changed);
        }
        caches.forget(changed);
    }

    /**
     * The fields the JVM has for a class of the program, as loaded (catchers, and members a swap
     * removed, included; none a swap added), whatever reflection now answers; a JDK class's as
     * reflection answers (the JDK's own filters apply).
     */
    public static Field[] fieldsAsLoaded(Class<?> type) {
        Mirror m = current();
        return m == null || type.getClassLoader() == null ? type.getDeclaredFields() : m.rawFields(type);
    }

    /** As {@link #fieldsAsLoaded}, for methods. */
    public static Method[] methodsAsLoaded(Class<?> type) {
        Mirror m = current();
        return m == null || type.getClassLoader() == null ? type.getDeclaredMethods() : m.rawMethods(type);
    }

    /** As {@link #fieldsAsLoaded}, for constructors. */
    public static Constructor<?>[] constructorsAsLoaded(Class<?> type) {
        Mirror m = current();
        return m == null || type.getClassLoader() == null ? type.getDeclaredConstructors() : m.rawConstructors(type);
    }

    private static synchronized Mirror current() {
        return installed;
    }

    Field[] rawFields(Class<?> type) {
        try {
            return (Field[]) rawFields.invokeExact(type, false);
        } catch (Throwable e) {
            throw sneaky(e);
        }
    }

    Method[] rawMethods(Class<?> type) {
        try {
            return (Method[]) rawMethods.invokeExact(type, false);
        } catch (Throwable e) {
            throw sneaky(e);
        }
    }

    Constructor<?>[] rawConstructors(Class<?> type) {
        try {
            return (Constructor<?>[]) rawConstructors.invokeExact(type, false);
        } catch (Throwable e) {
            throw sneaky(e);
        }
    }

    // ---- the hooks' side (called by java.lang.HotswapHooks) ----

    /** The newest view of a class under the engine, or null. Throws what loading its member types throws. */
    private View view(Class<?> type) throws Throwable {
        Shapes s = shapes;
        if (s == null || type.getClassLoader() == null || type.isHidden() || type.isArray() || type.isPrimitive()) {
            return null;
        }
        View v = viewCache.get(type);
        if (v != null) {
            return v;
        }
        Optional<byte[]> newest = s.newest(type);
        if (newest.isEmpty()) {
            return null;
        }
        v = new View(type, newest.get(), this, s);
        viewCache.put(type, v);
        return v;
    }

    private Field[] declaredFields(Class<?> type, boolean publicOnly) throws Throwable {
        Field[] vm = (Field[]) rawFields.invokeExact(type, publicOnly);
        View v = guarded(type);
        return v == null ? vm : v.fields(publicOnly);
    }

    private Method[] declaredMethods(Class<?> type, boolean publicOnly) throws Throwable {
        Method[] vm = (Method[]) rawMethods.invokeExact(type, publicOnly);
        View v = guarded(type);
        if (v != null) {
            return v.methods(publicOnly);
        }
        List<String> catchers = vm.length == 0 ? List.of() : planted.of(type);
        return catchers.isEmpty() ? vm : withoutCatchers(vm, catchers);
    }

    private Constructor<?>[] declaredConstructors(Class<?> type, boolean publicOnly) throws Throwable {
        Constructor<?>[] vm = (Constructor<?>[]) rawConstructors.invokeExact(type, publicOnly);
        View v = guarded(type);
        return v == null ? vm : v.constructors(publicOnly);
    }

    private RecordComponent[] recordComponents(Class<?> type) throws Throwable {
        RecordComponent[] vm = (RecordComponent[]) rawComponents.invokeExact(type);
        View v = vm == null ? null : guarded(type);
        return v == null ? vm : components.of(v, vm);
    }

    private Class<?>[] permittedSubclasses(Class<?> type) throws Throwable {
        Class<?>[] vm = sealing.asLoaded(type);
        if (vm != null) {
            return vm;
        }
        View v = guarded(type);
        return sealing.answer(type, v == null ? null : v.declared);
    }

    /** The view, or null (reported once) when making it failed for a reason a fresh start would not have. */
    private View guarded(Class<?> type) throws Throwable {
        try {
            return view(type);
        } catch (LinkageError | TypeNotPresentException e) {
            throw e instanceof TypeNotPresentException t ? new NoClassDefFoundError(t.typeName()) : e;
        } catch (Throwable e) {
            Fatal.rethrowIfFatal(e);
            if (!complained) {
                complained = true;
                problems.accept("hotswap: reflection on " + type.getName() + " answers as loaded (" + e + ")");
            }
            return null;
        }
    }

    private static Method[] withoutCatchers(Method[] vm, List<String> catchers) {
        List<Method> kept = new ArrayList<>(vm.length);
        for (Method m : vm) {
            if (!(m.isSynthetic() && !m.isBridge() && catchers.contains(m.getName() + descriptor(m)))) {
                kept.add(m);
            }
        }
        return kept.size() == vm.length ? vm : kept.toArray(Method[]::new);
    }

    private static String descriptor(Method m) {
        return MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
    }

    private Map<?, ?> classAnnotations(byte[] raw, Object pool, Class<?> type) throws Throwable {
        View v = guarded(type);
        return v == null ? (Map<?, ?>) parseAnnotations.invokeExact(raw, pool, type)
                : (Map<?, ?>) parseAnnotations.invokeExact(v.declared.annotations(), v.pool, type);
    }

    private Map<?, ?> annotations(byte[] raw, Object pool, Class<?> type) throws Throwable {
        return (Map<?, ?>) parseAnnotations.invokeExact(raw, pools.poolFor(raw, pool), type);
    }

    private Annotation[][] parameterAnnotations(byte[] raw, Object pool, Class<?> type) throws Throwable {
        return (Annotation[][]) parseParameterAnnotations.invokeExact(raw, pools.poolFor(raw, pool), type);
    }

    /** An annotation element's default ({@code Method.getDefaultValue()}), read against its bytes' own pool. */
    private Object memberValue(Class<?> type, java.nio.ByteBuffer raw, Object pool, Class<?> container) throws Throwable {
        Object own = raw.hasArray() ? pools.poolFor(raw.array(), pool) : pool;
        return (Object) parseMemberValue.invokeExact(type, raw, own, container);
    }

    private Parameter[] parameters(Object member) throws Throwable {
        Executable e = (Executable) member;
        View v = guarded(e.getDeclaringClass());
        if (v == null) {
            return (Parameter[]) rawParameters.invokeExact(e);
        }
        try {
            return v.parameters(e, members);
        } catch (LinkageError | RuntimeException problem) {
            return null; // names as arg0, arg1, ... rather than a failure the JDK would not have
        }
    }

    /** Before {@code Unsafe} reads a field's offset: a field a swap added has none (its slot is another field's). */
    private void offsetOf(Object member) {
        if (member instanceof Field f && shapes != null && f.getDeclaringClass().getClassLoader() != null) {
            View v;
            try {
                v = view(f.getDeclaringClass());
            } catch (Throwable e) {
                Fatal.rethrowIfFatal(e);
                v = viewCache.get(f.getDeclaringClass());
            }
            if (v != null && v.isAdded(f.getName() + f.getType().descriptorString()
                    + (java.lang.reflect.Modifier.isStatic(f.getModifiers()) ? "S" : "I"))) {
                throw new UnsupportedOperationException("hotswap: the field " + f.getDeclaringClass().getName() + "."
                        + f.getName() + " was added by a swap and has no place in the loaded object, so it has no offset;"
                        + " restart the program to use it through Unsafe (serialization, field updaters)");
            }
        }
    }

    private byte[] typeAnnotations(Object member) throws Throwable {
        if (member instanceof Field f) {
            View v = guarded(f.getDeclaringClass());
            if (v != null && v.isAdded(f.getName() + f.getType().descriptorString()
                    + (java.lang.reflect.Modifier.isStatic(f.getModifiers()) ? "S" : "I"))) {
                return null; // not followed for added fields
            }
            return (byte[]) rawFieldTypeAnnotations.invokeExact(f);
        }
        Executable e = (Executable) member;
        View v = guarded(e.getDeclaringClass());
        if (v != null && v.isAdded((e instanceof Constructor<?> ? "<init>" : e.getName()) + View.descriptor(e)
                + (java.lang.reflect.Modifier.isStatic(e.getModifiers()) ? "S" : "I"))) {
            return null;
        }
        return (byte[]) rawExecutableTypeAnnotations.invokeExact(e);
    }

    // ---- for View and Lookups ----

    Shapes shapes() {
        return shapes;
    }

    /** The newest view of a class under the engine, or null; what loading its member types throws, for a look-up. */
    View viewOf(Class<?> type) throws Throwable {
        return guarded(type);
    }

    /** True when {@code type} or one of its supertypes is under the engine (the only ones a look-up must answer for). */
    boolean anyManaged(Class<?> type) {
        Shapes s = shapes;
        if (s == null || type.getClassLoader() == null) {
            return false;
        }
        for (Class<?> c = type; c != null && c.getClassLoader() != null; c = c.getSuperclass()) {
            if (s.newest(c).isPresent()) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (anyManaged(i)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The JDK's reflective objects and accessors, made for views (once the engine runs). */
    Members members() {
        return members;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable e) throws T {
        throw (T) e;
    }
}

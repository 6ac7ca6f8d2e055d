package dev.hotswap.reflect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The members of one class under the engine as its newest version declares them, made once per
 * version: the reflective objects every look-up of the class copies from. A member the loaded
 * class has keeps its place in it (its slot: the JVM's own accessors reach it, and through its
 * entry the newest body); a member it lacks borrows a slot only so that the JVM's natives never
 * see an invalid one, and gets an accessor that calls the engine.
 */
final class View {
    private static final int METHOD_MODIFIERS = 0x1DFF;
    private static final int FIELD_MODIFIERS = 0x50DF;

    final Class<?> type;
    final Declared declared;
    final Object pool;
    final Field[] fields;
    final Method[] methods;
    final Constructor<?>[] constructors;
    /** Keys ({@link Declared.Member#key}) of the members the loaded class does not have. */
    private final Set<String> added = new HashSet<>();
    private final Map<String, Declared.Member> byKey = new HashMap<>();
    /** Keys of the members the JVM has for the class (as loaded). */
    private final Set<String> loaded = new HashSet<>();

    View(Class<?> type, byte[] newest, Mirror mirror, Shapes shapes) throws Throwable {
        Members make = mirror.members();
        this.type = type;
        this.declared = Declared.read(newest);
        this.pool = mirror.pools.define(type, newest);
        ClassLoader loader = type.getClassLoader();
        Method[] rawMethods = mirror.rawMethods(type);
        Field[] rawFields = mirror.rawFields(type);
        Constructor<?>[] rawConstructors = mirror.rawConstructors(type);
        int spareMethodSlot = spareSlot(rawMethods, rawConstructors, make);
        for (Method r : rawMethods) {
            loaded.add(r.getName() + descriptor(r) + (Modifier.isStatic(r.getModifiers()) ? "S" : "I"));
        }
        for (Field r : rawFields) {
            loaded.add(r.getName() + r.getType().descriptorString() + (Modifier.isStatic(r.getModifiers()) ? "S" : "I"));
        }
        for (Constructor<?> r : rawConstructors) {
            loaded.add("<init>" + descriptor(r) + "I");
        }

        List<Field> f = new ArrayList<>();
        for (Declared.Member m : declared.fields()) {
            byKey.put(m.key(), m);
            Class<?> fieldType = MethodType.fromMethodDescriptorString("()" + m.descriptor(), loader).returnType();
            Field physical = null;
            for (Field r : rawFields) {
                if (r.getName().equals(m.name()) && r.getType() == fieldType && Modifier.isStatic(r.getModifiers()) == m.isStatic()
                        && !shapes.retired(type, m.name(), m.descriptor(), m.isStatic())) {
                    physical = r;
                }
            }
            boolean trustedFinal = Modifier.isFinal(m.access()) && m.isStatic();
            int slot = physical != null ? make.slot(physical) : rawFields.length > 0 ? make.slot(rawFields[0]) : 0;
            Field made = make.newField(type, m.name().intern(), fieldType, m.access() & FIELD_MODIFIERS, trustedFinal, slot,
                    m.signature(), mirror.pools.pair(m.annotations(), pool));
            if (physical == null) {
                added.add(m.key());
                MethodHandle get = shapes.getter(type, m.name(), m.descriptor(), m.isStatic());
                MethodHandle set = shapes.setter(type, m.name(), m.descriptor(), m.isStatic());
                String what = type.getName() + "." + m.name();
                make.fieldAccessors(made, new Invoke.OfField(get, set, type, fieldType, what, m.isStatic(),
                        !Modifier.isFinal(m.access())), new Invoke.OfField(get, set, type, fieldType, what, m.isStatic(),
                        !trustedFinal));
            }
            f.add(made);
        }
        fields = f.toArray(Field[]::new);

        List<Method> ms = new ArrayList<>();
        List<Constructor<?>> cs = new ArrayList<>();
        for (Declared.Member m : declared.methods()) {
            byKey.put(m.key(), m);
            MethodType mt = MethodType.fromMethodDescriptorString(m.descriptor(), loader);
            Class<?>[] exceptions = new Class<?>[m.exceptions().size()];
            for (int i = 0; i < exceptions.length; i++) {
                exceptions[i] = Class.forName(m.exceptions().get(i).replace('/', '.'), false, loader);
            }
            if (m.name().equals("<init>")) {
                Constructor<?> physical = null;
                for (Constructor<?> r : rawConstructors) {
                    if (java.util.Arrays.equals(r.getParameterTypes(), mt.parameterArray())) {
                        physical = r;
                    }
                }
                int slot = physical != null ? make.slot(physical) : spareMethodSlot;
                Constructor<?> made = make.newConstructor(type, mt.parameterArray(), exceptions, m.access() & METHOD_MODIFIERS,
                        slot, m.signature(), mirror.pools.pair(m.annotations(), pool), mirror.pools.pair(m.parameterAnnotations(), pool));
                if (physical == null) {
                    added.add(m.key());
                    make.constructorAccessor(made, new Invoke.OfConstructor(shapes.constructor(type, m.descriptor()),
                            Modifier.isAbstract(type.getModifiers())));
                }
                cs.add(made);
                continue;
            }
            Method physical = null;
            for (Method r : rawMethods) {
                if (r.getName().equals(m.name()) && r.getReturnType() == mt.returnType()
                        && java.util.Arrays.equals(r.getParameterTypes(), mt.parameterArray())
                        && Modifier.isStatic(r.getModifiers()) == m.isStatic()) {
                    physical = r;
                }
            }
            int slot = physical != null ? make.slot(physical) : spareMethodSlot;
            Method made = make.newMethod(type, m.name().intern(), mt.parameterArray(), mt.returnType(), exceptions,
                    m.access() & METHOD_MODIFIERS, slot, m.signature(), mirror.pools.pair(m.annotations(), pool), mirror.pools.pair(m.parameterAnnotations(), pool),
                    mirror.pools.pair(m.annotationDefault(), pool));
            if (physical == null || Modifier.isAbstract(physical.getModifiers()) != Modifier.isAbstract(m.access())) {
                // Added, or made concrete or abstract: the loaded method cannot stand for it.
                added.add(m.key());
                if (!Modifier.isAbstract(m.access())) {
                    make.methodAccessor(made, new Invoke.OfMethod(shapes.method(type, m.name(), m.descriptor(), m.isStatic()),
                            type, m.isStatic()));
                }
            }
            ms.add(made);
        }
        methods = ms.toArray(Method[]::new);
        constructors = cs.toArray(Constructor<?>[]::new);
    }

    /** A method slot the class has: a catcher's if it has one, whose natives answer nothing misleading. */
    private static int spareSlot(Method[] methods, Constructor<?>[] constructors, Members make) {
        for (Method m : methods) {
            if (m.isSynthetic()) {
                return make.slot(m);
            }
        }
        if (methods.length > 0) {
            return make.slot(methods[0]);
        }
        return constructors.length > 0 ? make.slot(constructors[0]) : 0;
    }

    Field[] fields(boolean publicOnly) {
        return publicOnly ? filter(fields, Field[]::new) : fields.clone();
    }

    Method[] methods(boolean publicOnly) {
        return publicOnly ? filter(methods, Method[]::new) : methods.clone();
    }

    Constructor<?>[] constructors(boolean publicOnly) {
        return publicOnly ? filter(constructors, Constructor<?>[]::new) : constructors.clone();
    }

    private static <T extends java.lang.reflect.Member> T[] filter(T[] members, java.util.function.IntFunction<T[]> array) {
        return java.util.Arrays.stream(members).filter(m -> Modifier.isPublic(m.getModifiers())).toArray(array);
    }

    /** The newest declaration of a member of this class, by name, descriptor and static-ness. */
    Optional<Declared.Member> member(String name, String descriptor, boolean isStatic) {
        return Optional.ofNullable(byKey.get(name + descriptor + (isStatic ? "S" : "I")));
    }

    Set<String> loadedKeys() {
        return loaded;
    }

    boolean isAdded(String key) {
        return added.contains(key);
    }

    /** The parameters as the newest version's {@code MethodParameters} names them; null when it has none (or the member is gone). */
    Parameter[] parameters(Executable e, Members make) throws Throwable {
        Optional<Declared.Member> m = member(e instanceof Constructor<?> ? "<init>" : e.getName(), descriptor(e),
                Modifier.isStatic(e.getModifiers()));
        if (m.isEmpty() || m.get().parameters().isEmpty()) {
            return null;
        }
        List<Declared.Parameter> list = m.get().parameters().get();
        if (list.size() != e.getParameterCount()) {
            return null;
        }
        Parameter[] out = new Parameter[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = make.newParameter(list.get(i).name(), list.get(i).access(), e, i);
        }
        return out;
    }

    static String descriptor(Executable e) {
        Class<?> returns = e instanceof Method method ? method.getReturnType() : void.class;
        return MethodType.methodType(returns, e.getParameterTypes()).toMethodDescriptorString();
    }
}

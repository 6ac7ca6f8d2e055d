package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Field accesses in code the engine wrote that the loaded classes cannot serve as compiled: a
 * field a swap added (side storage: an array of one for a static field, a {@link FieldStore} for
 * an instance field), a field a swap removed ({@code NoSuchFieldError}), and a private field of a
 * nest that a new nested class had to leave.
 *
 * <p>Thread-safety: called under the engine's lock.
 */
final class AddedFields {
    private static final MethodHandle NO_SUCH_FIELD;
    private static final MethodHandle FIELD_GET;
    private static final MethodHandle FIELD_SET;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            NO_SUCH_FIELD = lookup.findStatic(Linker.class, "noSuchField", MethodType.methodType(Object.class, String.class));
            FIELD_GET = lookup.findVirtual(FieldStore.class, "get", MethodType.methodType(Object.class, Object.class));
            FIELD_SET = lookup.findVirtual(FieldStore.class, "set",
                    MethodType.methodType(void.class, Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Registry registry;
    private final MethodHandles.Lookup trusted;
    /** Storage of fields added by swaps, by declaring class, loader and field. */
    private final Map<String, Object> storage = new HashMap<>();

    AddedFields(Registry registry, MethodHandles.Lookup trusted) {
        this.registry = registry;
        this.trusted = trusted;
    }

    /** {@link #fieldSite(Optional, int, Class, String, String, MethodType)} unchecked, for reflection (which checks on its own). */
    CallSite fieldSite(Class<?> owner, int opcode, Class<?> named, String name, String descriptor, MethodType type) {
        return fieldSite(Optional.empty(), opcode, named, name, descriptor, type);
    }

    /**
     * A field access in code the engine wrote, checked for {@code access} (the caller's source's
     * rights) when present; without, the asker checked it (reflection).
     */
    CallSite fieldSite(Optional<Access> access, int opcode, Class<?> owner, String name, String descriptor, MethodType type) {
        if (opcode != Opcodes.GETFIELD && opcode != Opcodes.PUTFIELD && opcode != Opcodes.GETSTATIC
                && opcode != Opcodes.PUTSTATIC) {
            throw new IllegalArgumentException("hotswap: no field access of opcode " + opcode + " (" + owner.getName() + "."
                    + name + ")");
        }
        boolean isStatic = opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC;
        boolean write = opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC;
        String what = owner.getName() + "." + name;
        Class<?> declaring = declaringClass(owner, name, descriptor, isStatic);
        // Each time the field comes back after a removal it is a new field, with storage of its own.
        int epoch = registry.of(declaring).map(m -> registry.epoch(m, name, descriptor, isStatic)).orElse(0);
        String key = declaring.getName() + '@' + System.identityHashCode(declaring.getClassLoader()) + '.' + name + ':'
                + descriptor + (isStatic ? ":S#" : ":I#") + epoch;
        Class<?> fieldType = type(descriptor, declaring.getClassLoader());
        MethodHandle handle;
        Optional<Field> physical = physicalField(owner, name, descriptor, isStatic);
        if (physical.isEmpty() && !declaredByNewest(declaring, name, descriptor, isStatic)) {
            // Removed by a swap: code that still names it fails as it would after a fresh compile.
            // A new error at each access, as the JVM throws: its trace is the caller's.
            MethodHandle thrower = MethodHandles.insertArguments(NO_SUCH_FIELD, 0, owner.getName() + "." + name)
                    .asType(MethodType.methodType(type.returnType()));
            return new ConstantCallSite(MethodHandles.dropArguments(thrower, 0, type.parameterList()));
        }
        try {
            if (physical.isPresent()) {
                Field f = physical.get();
                declaring = f.getDeclaringClass();
                // As the newest version declares it: its modifiers may have changed since it loaded.
                int modifiers = newestModifiers(declaring, name, descriptor).orElse(f.getModifiers());
                handle = physical(access, opcode, owner, f, modifiers, fieldType);
            } else {
                if (access.isPresent()) {
                    // Added by a swap: only the newest version knows its modifiers (none known: the class's own package's).
                    int modifiers = newestModifiers(declaring, name, descriptor).orElse(0);
                    access.get().member(owner, declaring, modifiers, what);
                    if (write) {
                        access.get().finalWrite(declaring, modifiers, what);
                    }
                }
                if (isStatic) {
                    Object holder = storage.computeIfAbsent(key,
                            k -> Array.newInstance(fieldType.isPrimitive() ? fieldType : Object.class, 1));
                    MethodHandle element = opcode == Opcodes.GETSTATIC
                            ? MethodHandles.arrayElementGetter(holder.getClass()) : MethodHandles.arrayElementSetter(holder.getClass());
                    handle = MethodHandles.insertArguments(element, 0, holder, 0);
                } else {
                    Object defaultValue = fieldType.isPrimitive() ? Array.get(Array.newInstance(fieldType, 1), 0) : null;
                    Class<?> holder = declaring;
                    FieldStore store = (FieldStore) storage.computeIfAbsent(key,
                            k -> new FieldStore(defaultValue, self -> initialize(holder, name, descriptor, self)));
                    handle = (opcode == Opcodes.GETFIELD ? FIELD_GET : FIELD_SET).bindTo(store);
                    if (access.isPresent()) {
                        int modifiers = newestModifiers(declaring, name, descriptor).orElse(0);
                        handle = access.get().receiver(handle.asType(handle.type().changeParameterType(0, owner)), declaring,
                                modifiers, false);
                    }
                }
            }
        } catch (IllegalAccessException e) {
            Access a = access.orElseThrow(() -> new IllegalStateException("cannot reach field " + key, e));
            return new ConstantCallSite(CallSites.illegalAccess(type, a.refusal("the field " + what, e)));
        } catch (RuntimeException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make storage for field " + key, e);
        }
        return new ConstantCallSite(handle.asType(type));
    }

    /**
     * A field the JVM has. Checked by hand first (its modifiers may be the newest version's); then
     * the JDK resolves it with the source's rights, and checks it again, except what only the
     * engine's lookup can do for the source: write a final field of the source's own class (its
     * initializers, run from a version), reach a private field of a nest the source left as it
     * loaded, or a field whose newest modifiers the JVM does not know.
     */
    private MethodHandle physical(Optional<Access> access, int opcode, Class<?> owner, Field f, int modifiers,
                                  Class<?> fieldType) throws IllegalAccessException, NoSuchFieldException {
        Class<?> declaring = f.getDeclaringClass();
        String name = f.getName();
        boolean isStatic = opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC;
        boolean write = opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC;
        MethodHandles.Lookup in = trusted; // itself: in() would drop the right to set a final field
        if (access.isPresent()) {
            Access a = access.get();
            String what = declaring.getName() + "." + name;
            a.member(owner, declaring, modifiers, what);
            if (write) {
                a.finalWrite(declaring, modifiers, what);
            }
            boolean jdkKnows = modifiers == f.getModifiers() && !(write && Modifier.isFinal(modifiers))
                    && !(Modifier.isPrivate(modifiers) && !a.nestmateOf(declaring));
            if (jdkKnows) {
                in = a.lookup();
                declaring = owner; // resolved from the class the code names, as the JVM does
            }
        }
        MethodHandle handle = switch (opcode) {
            case Opcodes.GETFIELD -> in.findGetter(declaring, name, fieldType);
            case Opcodes.PUTFIELD -> in.findSetter(declaring, name, fieldType);
            case Opcodes.GETSTATIC -> in.findStaticGetter(declaring, name, fieldType);
            default -> in.findStaticSetter(declaring, name, fieldType);
        };
        return access.isPresent() ? access.get().receiver(handle, f.getDeclaringClass(), modifiers, isStatic) : handle;
    }

    /**
     * Runs the newest version's initializer of an added instance field for an object made before
     * the swap ({@link FieldInitializers}); {@link FieldStore#NONE} when it has none (or no longer
     * declares the field so). Reads the published version without the engine's lock.
     */
    private Object initialize(Class<?> declaring, String name, String descriptor, Object self) throws Throwable {
        Managed m = registry.get(declaring);
        Version current = m == null ? null : m.current;
        if (current == null || current.model().fields().stream().noneMatch(f -> f.name().equals(name)
                && f.descriptor().equals(descriptor) && !f.is(Opcodes.ACC_STATIC))) {
            return FieldStore.NONE;
        }
        MethodHandle initializer;
        try {
            Class<?> version = current.hidden();
            MethodHandles.Lookup in = VersionLoader.isVersion(version) ? trusted : trusted.in(version);
            initializer = in.findStatic(version, FieldInitializers.PREFIX + name,
                    MethodType.fromMethodDescriptorString(FieldInitializers.DESCRIPTOR, null));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return FieldStore.NONE; // no initializer that can run alone: the default, as the swap said
        }
        return initializer.invoke(self);
    }

    private java.util.OptionalInt newestModifiers(Class<?> declaring, String name, String descriptor) {
        Managed m = registry.get(declaring);
        ClassModel newest = m == null ? null : registry.newest(m).orElse(null);
        if (newest != null) {
            for (ClassModel.Member f : newest.fields()) {
                if (f.name().equals(name) && f.descriptor().equals(descriptor)) {
                    return java.util.OptionalInt.of(f.access());
                }
            }
        }
        return java.util.OptionalInt.empty();
    }

    /**
     * True when the newest version of {@code declaring} declares the field. A class not under the
     * engine has only the fields the JVM knows: none a swap added (a batch's classes are published
     * before any code of it links), so no storage is made up for a field of the JDK's.
     */
    private boolean declaredByNewest(Class<?> declaring, String name, String descriptor, boolean isStatic) {
        Managed m = registry.get(declaring);
        if (m == null) {
            return false;
        }
        ClassModel newest = registry.newest(m).orElse(null);
        return newest == null || LoadRewriter.declares(newest, true, name, descriptor, isStatic);
    }

    /** A field the loaded class (or an ancestor) has, when the newest version still declares it there. */
    private Optional<Field> physicalField(Class<?> owner, String name, String descriptor, boolean isStatic) {
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            Managed m = registry.get(k);
            Version current = m == null ? null : m.current;
            boolean removed = current != null && current.model().fields().stream()
                    .noneMatch(f -> f.name().equals(name) && f.descriptor().equals(descriptor));
            boolean retired = m != null && registry.retired(m, name, descriptor, isStatic);
            for (Field f : dev.hotswap.reflect.Mirror.fieldsAsLoaded(k)) {
                if (f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)
                        && Modifier.isStatic(f.getModifiers()) == isStatic) {
                    return removed || retired ? Optional.empty() : Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    /** The class whose newest version declares an added field, searching up from the class the code names. */
    private Class<?> declaringClass(Class<?> owner, String name, String descriptor, boolean isStatic) {
        for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
            Managed m = registry.get(k);
            Version current = m == null ? null : m.current;
            if (current != null && current.model().fields().stream().anyMatch(f -> f.name().equals(name)
                    && f.descriptor().equals(descriptor) && f.is(Opcodes.ACC_STATIC) == isStatic)) {
                return k;
            }
        }
        return owner;
    }

    private static Class<?> type(String descriptor, ClassLoader loader) {
        return MethodType.fromMethodDescriptorString("()" + descriptor, loader).returnType();
    }
}

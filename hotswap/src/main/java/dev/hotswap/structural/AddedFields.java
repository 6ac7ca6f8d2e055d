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

    CallSite fieldSite(Class<?> caller, int opcode, Class<?> owner, String name, String descriptor, MethodType type) {
        boolean isStatic = opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC;
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
                // As the newest version declares it: its modifiers may have changed since it loaded.
                int modifiers = newestModifiers(f.getDeclaringClass(), name, descriptor).orElse(f.getModifiers());
                if (!Access.allowed(caller, f.getDeclaringClass(), modifiers, registry)) {
                    throw new IllegalAccessException(Access.source(caller, registry).getName() + " may not reach the field "
                            + f.getDeclaringClass().getName() + "." + name);
                }
                // A private field of another class of a nest that a new nested class had to leave.
                MethodHandles.Lookup in = trusted; // itself: in() would drop the right to set a final field
                handle = switch (opcode) {
                    case Opcodes.GETFIELD -> in.findGetter(f.getDeclaringClass(), name, fieldType);
                    case Opcodes.PUTFIELD -> in.findSetter(f.getDeclaringClass(), name, fieldType);
                    case Opcodes.GETSTATIC -> in.findStaticGetter(f.getDeclaringClass(), name, fieldType);
                    default -> in.findStaticSetter(f.getDeclaringClass(), name, fieldType);
                };
            } else if (isStatic) {
                Object holder = storage.computeIfAbsent(key,
                        k -> Array.newInstance(fieldType.isPrimitive() ? fieldType : Object.class, 1));
                MethodHandle access = opcode == Opcodes.GETSTATIC
                        ? MethodHandles.arrayElementGetter(holder.getClass()) : MethodHandles.arrayElementSetter(holder.getClass());
                handle = MethodHandles.insertArguments(access, 0, holder, 0);
            } else {
                Object defaultValue = fieldType.isPrimitive() ? Array.get(Array.newInstance(fieldType, 1), 0) : null;
                FieldStore store = (FieldStore) storage.computeIfAbsent(key, k -> new FieldStore(defaultValue));
                handle = (opcode == Opcodes.GETFIELD ? FIELD_GET : FIELD_SET).bindTo(store);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalCallerException("hotswap: " + e.getMessage(), e);
        } catch (RuntimeException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make storage for field " + key, e);
        }
        return new ConstantCallSite(handle.asType(type));
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

    private boolean declaredByNewest(Class<?> declaring, String name, String descriptor, boolean isStatic) {
        Managed m = registry.get(declaring);
        ClassModel newest = m == null ? null : registry.newest(m).orElse(null);
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

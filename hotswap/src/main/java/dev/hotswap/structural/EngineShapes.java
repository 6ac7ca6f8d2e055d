package dev.hotswap.structural;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import org.objectweb.asm.Opcodes;

/**
 * What reflection asks of the engine ({@link dev.hotswap.reflect.Shapes}): the newest class file
 * of a class under it, and handles to the members the loaded class lacks. The handles are made
 * under the engine's lock, as its bootstraps' are; {@link #newest} takes none (asked on look-ups).
 */
final class EngineShapes implements dev.hotswap.reflect.Shapes {
    private final Engine engine;
    private final Registry registry;
    private final CallSites sites;
    private final AddedFields fields;
    private final MethodHandles.Lookup trusted;

    EngineShapes(Engine engine, Registry registry, CallSites sites, AddedFields fields, MethodHandles.Lookup trusted) {
        this.engine = engine;
        this.registry = registry;
        this.sites = sites;
        this.fields = fields;
        this.trusted = trusted;
    }

    @Override
    public Optional<byte[]> newest(Class<?> type) {
        Managed m = registry.get(type);
        return m == null || m.currentBytes == null ? Optional.empty() : Optional.of(m.currentBytes);
    }

    @Override
    public boolean retired(Class<?> type, String name, String descriptor, boolean isStatic) {
        Managed m = registry.get(type);
        return m != null && registry.retired(m, name, descriptor, isStatic);
    }

    @Override
    public MethodHandle method(Class<?> owner, String name, String descriptor, boolean isStatic) throws NoSuchMethodException {
        synchronized (engine) {
            Managed m = registry.get(owner);
            boolean direct = isStatic || m != null && m.current != null && m.current.method(name, descriptor)
                    .filter(x -> x.is(Opcodes.ACC_PRIVATE)).isPresent();
            return direct ? special(owner, name, descriptor, isStatic) : sites.dispatching(owner, name, descriptor);
        }
    }

    @Override
    public MethodHandle special(Class<?> owner, String name, String descriptor) throws NoSuchMethodException {
        synchronized (engine) {
            return special(owner, name, descriptor, false);
        }
    }

    private MethodHandle special(Class<?> owner, String name, String descriptor, boolean isStatic)
            throws NoSuchMethodException {
        return sites.newest(owner, name, descriptor, isStatic)
                .orElseThrow(() -> new NoSuchMethodException(owner.getName() + "." + name + descriptor));
    }

    @Override
    public MethodHandle getter(Class<?> owner, String name, String descriptor, boolean isStatic) {
        return field(owner, name, descriptor, isStatic ? Opcodes.GETSTATIC : Opcodes.GETFIELD,
                "(" + (isStatic ? "" : owner.descriptorString()) + ")" + descriptor);
    }

    @Override
    public MethodHandle setter(Class<?> owner, String name, String descriptor, boolean isStatic) {
        return field(owner, name, descriptor, isStatic ? Opcodes.PUTSTATIC : Opcodes.PUTFIELD,
                "(" + (isStatic ? "" : owner.descriptorString()) + descriptor + ")V");
    }

    private MethodHandle field(Class<?> owner, String name, String descriptor, int opcode, String type) {
        synchronized (engine) {
            return fields.fieldSite(owner, opcode, owner, name, descriptor,
                    MethodType.fromMethodDescriptorString(type, owner.getClassLoader())).dynamicInvoker();
        }
    }

    @Override
    public MethodHandle constructor(Class<?> owner, String descriptor) throws ReflectiveOperationException {
        synchronized (engine) {
            Managed m = registry.get(owner);
            int index = m == null ? -1 : m.addedConstructors.indexOf(descriptor);
            Optional<CodeRewriter.Carrier> carrier = engine.schemas(owner.getClassLoader())
                    .carrier(owner.getName().replace('.', '/'));
            if (index < 0 || carrier.isEmpty()) {
                throw new NoSuchMethodException(owner.getName() + ".<init>" + descriptor);
            }
            // The carrier with default arguments, after the added constructor's own are handed over.
            MethodType carrierType = MethodType.fromMethodDescriptorString(carrier.get().descriptor(), owner.getClassLoader());
            MethodHandle make = trusted.findConstructor(owner, carrierType);
            for (int i = carrierType.parameterCount() - 1; i >= 0; i--) {
                Class<?> p = carrierType.parameterType(i);
                make = MethodHandles.insertArguments(make, i, p.isPrimitive()
                        ? java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(p, 1), 0) : null);
            }
            MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
            return MethodHandles.foldArguments(MethodHandles.dropArguments(make, 0, type.parameterList()),
                    Linker.pending(index, type));
        }
    }
}

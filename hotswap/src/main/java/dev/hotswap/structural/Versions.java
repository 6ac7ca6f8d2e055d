package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Defines the class that holds one version's methods and finds their handles: a hidden nestmate
 * of the class ({@link VersionWriter}), or, when the engine makes named versions, an ordinary
 * class of the class's own name in a loader of its own ({@link Relocator}), falling back on the
 * hidden shape, said in one line, when the code cannot be relocated. Either way the handles have
 * the types of {@link VersionWriter#hiddenDescriptor}: the rest of the engine sees no difference.
 */
final class Versions {
    private final Engine engine;
    private final Registry registry;
    private final MethodHandles.Lookup trusted;

    Versions(Engine engine, Registry registry, MethodHandles.Lookup trusted) {
        this.engine = engine;
        this.registry = registry;
        this.trusted = trusted;
    }

    /** A version of {@code m}'s class from {@code bytes}, defined and registered; null with {@code problems} when it cannot be written. */
    Version define(Managed m, byte[] bytes, ClassModel model, CodeRewriter.Loaded loaded, List<String> problems,
                   int version, Set<String> initialize) throws IllegalAccessException, NoSuchMethodException {
        String hiddenName = model.name() + "$$hotswap" + version;
        byte[] hiddenBytes = VersionWriter.write(bytes, model, hiddenName, loaded, problems, initialize);
        if (!problems.isEmpty()) {
            return null;
        }
        ClassLoader loader = m.type.getClassLoader();
        List<String> why = new ArrayList<>();
        Optional<Named> named = engine.namedVersions() ? named(m, hiddenBytes, model.name(), hiddenName, why)
                : Optional.empty();
        Class<?> versionClass;
        MethodHandles.Lookup lookup;
        if (named.isPresent()) {
            versionClass = named.get().type();
            lookup = trusted;
        } else {
            // Not STRONG: once no entry points at it and no frame runs it, the version is unloaded.
            lookup = trusted.in(m.type).defineHiddenClass(engine.bridged(loader, hiddenBytes), true,
                    MethodHandles.Lookup.ClassOption.NESTMATE);
            versionClass = lookup.lookupClass();
            if (!why.isEmpty() && engine.saysFallbacks()) {
                // Said only when the hidden class went in: bytes that define neither way are the batch's failure.
                engine.note("hotswap: " + m.type.getName() + ": this version runs as a hidden class, which debuggers"
                        + " and profilers do not see (" + String.join("; ", why) + ")");
            }
        }
        Map<String, MethodHandle> methods = new HashMap<>();
        for (ClassModel.Member method : model.methods()) {
            if (VersionWriter.belongsInHidden(method)) {
                String descriptor = VersionWriter.hiddenDescriptor(model.name(), method);
                String declared = named.map(n -> n.descriptors().get(method.name() + descriptor)).orElse(descriptor);
                MethodHandle handle = lookup.findStatic(versionClass, method.name(),
                        MethodType.fromMethodDescriptorString(declared, loader));
                methods.put(method.name() + method.descriptor(),
                        handle.asType(MethodType.fromMethodDescriptorString(descriptor, loader)));
            }
        }
        Version result = new Version(versionClass, model, methods, bytes);
        registry.definedHidden(versionClass, m.type, result);
        return result;
    }

    /** A lookup that finds the static methods of a version class of either shape. */
    MethodHandles.Lookup lookup(Class<?> versionClass) throws IllegalAccessException {
        // in() a class of another runtime package would drop the trusted lookup's reach
        return VersionLoader.isVersion(versionClass) ? trusted : trusted.in(versionClass);
    }

    /** A named version and its methods' descriptors as declared (name + hidden descriptor to erased descriptor). */
    private record Named(Class<?> type, Map<String, String> descriptors) {
    }

    /**
     * The version as an ordinary class of the host's name in a loader of its own, linked, so that a
     * debugger hears of it before any code runs in it; empty, with {@code why}, when it cannot be one.
     */
    private Optional<Named> named(Managed m, byte[] hiddenBytes, String host, String hiddenName, List<String> why) {
        try {
            Relocator.Relocated relocated = Relocator.relocate(hiddenBytes, host, hiddenName, erasure(m.type), why);
            if (relocated != null) {
                VersionLoader loader = new VersionLoader(m.type.getClassLoader(), m.type.getName());
                Class<?> version = loader.define(relocated.bytes());
                Class.forName(version.getName(), true, loader); // linked: a debugger hears of it now
                return Optional.of(new Named(version, relocated.descriptors()));
            }
        } catch (LinkageError | ClassNotFoundException | RuntimeException e) {
            why.add(Engine.rootCause(e));
        }
        return Optional.empty();
    }

    /** Classes of {@code host}'s package as code outside it may name them: their nearest superclass outside it. */
    private static Relocator.Erasure erasure(Class<?> host) {
        String hostPackage = host.getPackageName();
        return internalName -> {
            try {
                Class<?> k = Class.forName(internalName.replace('/', '.'), false, host.getClassLoader());
                if (k.isInterface()) {
                    return "java/lang/Object";
                }
                while (k.getPackageName().equals(hostPackage)) {
                    k = k.getSuperclass();
                }
                return k.getName().replace('.', '/');
            } catch (ClassNotFoundException | LinkageError e) {
                return "java/lang/Object";
            }
        };
    }
}

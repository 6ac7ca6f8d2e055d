package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/** What the engine knows of the classes of one loader, as {@link LoadRewriter} asks while a class loads: no lock, no loading. */
final class LoaderSchemas implements LoadRewriter.Schemas {
    private final Registry registry;
    private final ClassLoader loader;
    private final BiFunction<ClassLoader, String, Optional<byte[]>> seenBytes;

    LoaderSchemas(Registry registry, ClassLoader loader, BiFunction<ClassLoader, String, Optional<byte[]>> seenBytes) {
        this.registry = registry;
        this.loader = loader;
        this.seenBytes = seenBytes;
    }

    @Override
    public Optional<ClassModel> managed(String internalName) {
        return Optional.ofNullable(registry.named(loader, internalName)).map(m -> m.loaded);
    }

    @Override
    public Optional<ClassModel> current(String internalName) {
        return Optional.ofNullable(registry.named(loader, internalName)).flatMap(registry::newest);
    }

    @Override
    public Optional<ClassModel> schema(String internalName) {
        return managed(internalName).or(() -> seenBytes.apply(loader, internalName).flatMap(Policy::parse));
    }

    @Override
    public boolean anyManaged() {
        return registry.hasClassesOf(loader);
    }

    @Override
    public Optional<CodeRewriter.Carrier> carrier(String internalName) {
        return Optional.ofNullable(registry.named(loader, internalName)).map(m -> m.carrier);
    }

    @Override
    public Set<String> managedNames() {
        return registry.names(loader);
    }

    @Override
    public boolean retired(String internalName, String name, String descriptor, boolean isStatic) {
        Managed m = registry.named(loader, internalName);
        return m != null && registry.retired(m, name, descriptor, isStatic);
    }
}

package dev.hotswap.reflect;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Gets the JDK's trusted lookup, the one that may define a nestmate of any class, without
 * giving the program more power than it had. Opening {@code java.lang.invoke} to hotswap's own
 * module would open it to the application too: an agent on the class path shares the
 * application's unnamed module, so any of its code could then {@code setAccessible} its way into
 * the JDK. It is opened instead to a one-class named module made for the purpose, in a layer of
 * its own, whose one method hands the lookup out once, to hotswap, and never again; hotswap keeps it
 * here for its mirror of reflection and its structural engine, each handed it with the JVM's own
 * instrumentation (which is every power already).
 */
public final class Vault {
    private static final String MODULE = "dev.hotswap.vault";
    private static final String KEY = "dev/hotswap/vault/Key";

    private Vault() {
    }

    private static MethodHandles.Lookup taken; // guarded by Vault.class

    /** The trusted lookup, for an instrumentation the JVM made (a class of {@code java.instrument}); else refused. */
    public static synchronized MethodHandles.Lookup trustedLookup(Instrumentation instrumentation)
            throws ReflectiveOperationException, IOException {
        if (instrumentation == null || instrumentation.getClass().getModule() != Instrumentation.class.getModule()) {
            throw new IllegalCallerException("hotswap: the trusted lookup is handed only to the JVM's own instrumentation");
        }
        if (taken == null) {
            taken = take(instrumentation);
        }
        return taken;
    }

    private static MethodHandles.Lookup take(Instrumentation instrumentation) throws ReflectiveOperationException,
            IOException {
        byte[] key;
        try (java.io.InputStream in = Vault.class.getResourceAsStream("/" + KEY + ".class")) {
            if (in == null) {
                throw new IOException(KEY + ".class is missing from hotswap's jar");
            }
            key = in.readAllBytes();
        }
        // In memory, without files: the module's descriptor, and a reader that has the one class.
        ModuleDescriptor descriptor = ModuleDescriptor.newModule(MODULE).exports("dev.hotswap.vault").build();
        ModuleReference reference = new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<ByteBuffer> read(String name) {
                        return name.equals(KEY + ".class") ? Optional.of(ByteBuffer.wrap(key)) : Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return Stream.of(KEY + ".class");
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals(MODULE) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of(MODULE));
        // The platform loader as parent: the vault sees the JDK, nothing of the application's.
        ModuleLayer layer = boot.defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
        Module vault = layer.findModule(MODULE).orElseThrow();
        instrumentation.redefineModule(MethodHandles.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang.invoke", Set.of(vault)), Set.of(), Map.of());
        Class<?> keyClass = Class.forName(KEY.replace('/', '.'), true, layer.findLoader(MODULE));
        return (MethodHandles.Lookup) keyClass.getMethod("take").invoke(null);
    }
}

package dev.hotswap.boot;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Defines hotswap's core, once per class loader of this class: the named module
 * {@code dev.hotswap.core}, in a {@link ModuleLayer} of its own, from the class files that
 * hotswap's jar holds under {@code META-INF/hotswap/core/} (where no class loader finds them as
 * classes). Everything that holds or uses hotswap's power (the JVM's instrumentation, the JDK's
 * trusted lookup, the structural engine, the mirror of reflection) lives there, where the JVM
 * keeps out the program's reflection: the module opens nothing, and exports one package, the
 * core's facade, to this class's module only. The core reads the JDK's modules and this one (for
 * the public API's types); it is read from the very jar (or folder) this class came from, never
 * from another entry of the class path.
 */
public final class Boot {
    static final String MODULE = "dev.hotswap.core";
    private static final String PREFIX = "META-INF/hotswap/core/";
    private static final String INDEX = "META-INF/hotswap/core.index";
    private static final String FACADE = "dev.hotswap.core";
    private static final String ENTRY = FACADE + ".Entry";
    private static final String SELF = "dev/hotswap/boot/Boot.class";

    private Boot() {
    }

    /**
     * The core, defined the first time. Any code may call this: the core takes power only from the
     * JVM (its instrumentation) and answers every caller with no more than the caller had.
     *
     * @throws IllegalStateException when the core cannot be defined (said in its message)
     */
    public static Core core() {
        Defined defined = Holder.DEFINED;
        if (defined.core() == null) {
            throw new IllegalStateException(defined.failure());
        }
        return defined.core();
    }

    private record Defined(Core core, String failure) {
    }

    /** Final, so that no reflection (the class path's module is open to itself) can put another core here. */
    private static final class Holder {
        static final Defined DEFINED = define();
    }

    private static Defined define() {
        try {
            return new Defined(layer(), null);
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new Defined(null, "hotswap's core could not be loaded (" + e + ")");
        }
    }

    private static Core layer() throws IOException, ReflectiveOperationException {
        String base = base();
        if (base.startsWith("file:") && Boot.class.getResource("/" + INDEX) == null
                && Boot.class.getResource("/" + ENTRY.replace('.', '/') + ".class") != null) {
            // hotswap's own build, its classes in a folder (its unit tests): no core to define, and no
            // boundary either; the trusted lookup is not taken there (Trusted), so nothing is given away.
            return (Core) Class.forName(ENTRY, true, Boot.class.getClassLoader()).getMethod("core").invoke(null);
        }
        // Loops, not streams or lambdas: this runs in the program's start-up, before anything warmed them up.
        List<String> entries = index(base);
        Set<String> packages = new HashSet<>();
        for (String e : entries) {
            if (e.endsWith(".class") && e.indexOf('/') > 0) {
                packages.add(e.substring(0, e.lastIndexOf('/')).replace('/', '.'));
            }
        }
        ModuleDescriptor descriptor = ModuleDescriptor.newModule(MODULE).packages(packages).build();
        Set<String> names = new HashSet<>(entries);
        ModuleReference reference = new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) {
                        return names.contains(name) ? Optional.of(URI.create(base + PREFIX + name)) : Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return names.stream();
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
        // Our own loader as parent: the core sees the public API (and, as any library does, the class path).
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(boot),
                Boot.class.getClassLoader());
        Module core = controller.layer().findModule(MODULE).orElseThrow();
        Module front = Boot.class.getModule();
        controller.addReads(core, front);
        for (Module m : boot.modules()) {
            controller.addReads(core, m); // what the class path reads: the JDK's modules
        }
        controller.addExports(core, FACADE, front);
        Class<?> entry = Class.forName(ENTRY, true, controller.layer().findLoader(MODULE));
        return (Core) entry.getMethod("core").invoke(null);
    }

    /** The root this class was loaded from ({@code jar:file:/…/hotswap.jar!/}, or a folder's URL). */
    private static String base() throws IOException {
        URL self = Boot.class.getResource("Boot.class");
        String text = self == null ? "" : self.toExternalForm();
        if (!text.endsWith(SELF)) {
            throw new IOException("cannot tell where hotswap's classes are (" + text + ")");
        }
        return text.substring(0, text.length() - SELF.length());
    }

    private static List<String> index(String base) throws IOException {
        try (InputStream in = URI.create(base + INDEX).toURL().openStream()) {
            List<String> entries = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    entries.add(line.strip());
                }
            }
            return entries;
        } catch (IOException e) {
            throw new IOException("no " + INDEX + " beside " + SELF + " in " + base
                    + " (hotswap runs from its packaged jar, whose core is there)", e);
        }
    }
}

package dev.hotswap.reload;

import dev.hotswap.watch.Debug;
import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.InvalidClassFileException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes each reloadable class runs now, so a new version can be compared with them (the
 * classifier) and identical bytes skipped. Filled as classes load from a watched folder (by
 * {@link Planting}) and after each reload. A class loaded before hotswap started has its bytes
 * read back from the JVM once, by a retransformation that changes nothing.
 */
final class RunningBytes {

    private final Roots roots;
    // Weak in the loader, so a discarded class loader takes its classes' bytes with it.
    private final Map<ClassLoader, Map<String, Running>> byLoader = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<String, Optional<Path>> locations = new ConcurrentHashMap<>();
    private final ThreadLocal<Capture> capture = new ThreadLocal<>();

    /** The bytes a class runs, and their model once someone needed it (parsing is not free). */
    static final class Running {
        final byte[] bytes;
        private ClassModel model;

        Running(byte[] bytes, ClassModel model) {
            this.bytes = bytes;
            this.model = model;
        }

        /** The parsed model; only called from the reload thread. */
        Optional<ClassModel> model() {
            if (model == null) {
                try {
                    model = ClassModel.parse(bytes);
                } catch (InvalidClassFileException e) {
                    return Optional.empty();
                }
            }
            return Optional.of(model);
        }
    }

    private static final class Capture {
        final Class<?> target;
        byte[] bytes;

        Capture(Class<?> target) {
            this.target = target;
        }
    }

    RunningBytes(Roots roots) {
        this.roots = roots;
    }

    /**
     * Reads back the bytes of a class being retransformed for {@link #of}; registered (as able to
     * retransform) only for that moment, so that no class load pays for a second transformer.
     */
    private final ClassFileTransformer capturer = new ClassFileTransformer() {
        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain domain, byte[] classfileBuffer) {
            Capture c = capture.get();
            if (c != null && c.target == classBeingRedefined) {
                c.bytes = classfileBuffer.clone();
            }
            return null;
        }
    };

    boolean isWatched(ProtectionDomain domain) {
        // A loader hands most of its classes the same domain: remember the last answer.
        Watched last = lastWatched;
        if (last != null && last.domain == domain) {
            return last.watched;
        }
        boolean watched = location(domain).flatMap(roots::rootOf).isPresent();
        lastWatched = new Watched(domain, watched);
        return watched;
    }

    private record Watched(ProtectionDomain domain, boolean watched) {
    }

    private volatile Watched lastWatched;

    /** The class file a class of a watched folder loads from, as compiled; the first one handed over counts. */
    void seen(ClassLoader loader, String internalName, byte[] bytes) {
        byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>()).putIfAbsent(internalName, new Running(bytes, null));
    }

    /** Where a class was loaded from, when that is a folder or file on this machine. */
    Optional<Path> location(ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL url = source == null ? null : source.getLocation();
        if (url == null) {
            return Optional.empty();
        }
        return locations.computeIfAbsent(url.toString(), key -> {
            if (!"file".equals(url.getProtocol())) {
                return Optional.empty();
            }
            try {
                return Optional.of(Roots.real(Path.of(url.toURI())));
            } catch (URISyntaxException | IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** The bytes {@code type} runs now, reading them back from the JVM if they were not seen at load. */
    Optional<Running> of(Class<?> type, Instrumentation instrumentation) {
        ClassLoader loader = type.getClassLoader();
        String name = type.getName().replace('.', '/');
        Map<String, Running> classes = loader == null ? null : byLoader.get(loader);
        Running known = classes == null ? null : classes.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        if (!instrumentation.isRetransformClassesSupported()) {
            return Optional.empty();
        }
        Capture c = new Capture(type);
        capture.set(c);
        instrumentation.addTransformer(capturer, true);
        try {
            instrumentation.retransformClasses(type);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
            Debug.log("cannot read back " + type.getName(), e);
        } finally {
            instrumentation.removeTransformer(capturer);
            capture.remove();
        }
        if (c.bytes == null) {
            return Optional.empty();
        }
        Running captured = new Running(c.bytes, null);
        put(type, captured);
        return Optional.of(captured);
    }

    /** The bytes a class of this loader was loaded with, when it loaded from a watched folder. */
    Optional<byte[]> seen(ClassLoader loader, String internalName) {
        Map<String, Running> classes = loader == null ? null : byLoader.get(loader);
        Running known = classes == null ? null : classes.get(internalName);
        return Optional.ofNullable(known).map(r -> r.bytes);
    }

    void put(Class<?> type, Running running) {
        ClassLoader loader = type.getClassLoader();
        if (loader != null) {
            byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>()).put(type.getName().replace('.', '/'), running);
        }
    }

    /** The bytes every class of the watched folders runs, by binary name (one class loader's, where several load a name). */
    Map<String, byte[]> everyRunning() {
        Map<String, byte[]> all = new java.util.TreeMap<>();
        synchronized (byLoader) {
            byLoader.values().forEach(classes -> classes.forEach((name, r) -> all.putIfAbsent(name.replace('/', '.'), r.bytes)));
        }
        return all;
    }
}

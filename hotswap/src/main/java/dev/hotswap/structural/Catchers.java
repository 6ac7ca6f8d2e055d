package dev.hotswap.structural;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Overrides of {@code toString()}, {@code hashCode()} and {@code equals(Object)} planted in a
 * class from a watched folder as it first loads, each only calling {@code super}: a redefinition
 * cannot add a method, and an override a swap adds later (a {@code toString()} where the class
 * had none) is only reached by the JDK's own calls if the class already has the method. The
 * planted methods behave exactly as the inherited ones until a swap gives the class its own.
 * Never where an ancestor declares the method {@code final} (an enum's {@code equals}), and
 * nothing when an ancestor's class file cannot be read.
 */
public final class Catchers {
    /** The methods planted, as name + descriptor. */
    static final List<String> METHODS = List.of("toString()Ljava/lang/String;", "hashCode()I", "equals(Ljava/lang/Object;)Z");
    private static final String[] NAMES = {"toString", "hashCode", "equals"};
    private static final String[] DESCRIPTORS = {"()Ljava/lang/String;", "()I", "(Ljava/lang/Object;)Z"};

    /** Per class (by loader-independent name): the catchable methods an ancestor declares final; cached. */
    private final Map<String, Set<String>> finalInAncestors = new ConcurrentHashMap<>();

    /** Reads a class file by internal name without loading the class (a resource lookup). */
    public interface ClassFiles extends Function<String, Optional<byte[]>> {
        static ClassFiles of(ClassLoader loader) {
            return name -> {
                String resource = name + ".class";
                try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                        : loader.getResourceAsStream(resource)) {
                    return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
                } catch (IOException | RuntimeException e) {
                    return Optional.empty();
                }
            };
        }
    }

    /** The class with its catchers, or null when it needs none (or they cannot be planted safely). */
    public byte[] plant(byte[] bytes, ClassFiles files) {
        return plant(bytes, files, planted -> { });
    }

    /** As {@link #plant(byte[], ClassFiles)}, telling {@code planted} which methods (name + descriptor) it planted. */
    public byte[] plant(byte[] bytes, ClassFiles files, java.util.function.Consumer<List<String>> planted) {
        // Plain loops, no streams: this runs for every class loaded at start-up, mostly interpreted.
        RawClassFile file = new RawClassFile(bytes);
        if ((file.access & (Opcodes.ACC_INTERFACE | Opcodes.ACC_MODULE)) != 0 || file.superName == null) {
            return null;
        }
        List<String> missing = new ArrayList<>(METHODS.size());
        for (int i = 0; i < METHODS.size(); i++) {
            if (file.methodAccess(NAMES[i], DESCRIPTORS[i]) < 0) {
                missing.add(METHODS.get(i));
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        Optional<Set<String>> finals = finals(file.superName, files, new HashSet<>());
        if (finals.isEmpty()) {
            return null;
        }
        missing.removeAll(finals.get());
        if (missing.isEmpty()) {
            return null;
        }
        byte[] result = file.withSuperCalls(missing);
        planted.accept(missing);
        return result;
    }

    /**
     * The bytes to redefine a loaded class with: its new bytes plus the catchers it was loaded
     * with and does not declare now (a redefinition must keep every method the class has).
     */
    public static byte[] replant(Class<?> type, byte[] bytes) {
        bytes = Unsealed.asLoaded(type, bytes);
        List<String> planted = new java.util.ArrayList<>();
        try {
            for (java.lang.reflect.Method m : dev.hotswap.reflect.Mirror.methodsAsLoaded(type)) {
                String member = m.getName() + Type.getMethodDescriptor(m);
                if (m.isSynthetic() && METHODS.contains(member)) {
                    planted.add(member);
                }
            }
        } catch (LinkageError e) {
            return bytes; // the JVM will say what does not match
        }
        if (planted.isEmpty()) {
            return bytes;
        }
        RawClassFile file = new RawClassFile(bytes);
        planted.removeIf(file::declares);
        return planted.isEmpty() ? bytes : file.withSuperCalls(planted);
    }

    /** True for a method this class planted: synthetic, one of {@link #METHODS}. */
    static boolean isCatcher(String name, String descriptor, int access) {
        return (access & Opcodes.ACC_SYNTHETIC) != 0 && METHODS.contains(name + descriptor);
    }

    /** The catchable methods that {@code name} or an ancestor declares final; empty when an ancestor cannot be read. */
    private Optional<Set<String>> finals(String name, ClassFiles files, Set<String> seen) {
        if (name.equals("java/lang/Object")) {
            return Optional.of(Set.of());
        }
        Set<String> known = finalInAncestors.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        if (!seen.add(name)) {
            return Optional.empty();
        }
        Optional<byte[]> bytes = files.apply(name);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        RawClassFile file;
        try {
            file = new RawClassFile(bytes.get());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Set<String> result = new HashSet<>();
        for (int i = 0; i < METHODS.size(); i++) {
            int access = file.methodAccess(NAMES[i], DESCRIPTORS[i]);
            if (access >= 0 && (access & Opcodes.ACC_FINAL) != 0) {
                result.add(METHODS.get(i));
            }
        }
        if (file.superName != null) {
            Optional<Set<String>> above = finals(file.superName, files, seen);
            if (above.isEmpty()) {
                return Optional.empty();
            }
            result.addAll(above.get());
        }
        Set<String> frozen = Set.copyOf(result);
        // JDK classes are the same for every loader; an application's may differ, so only those are cached.
        if (name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/")) {
            finalInAncestors.put(name, frozen);
        }
        return Optional.of(frozen);
    }
}

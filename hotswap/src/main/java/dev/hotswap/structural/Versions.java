package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.instrument.ClassDefinition;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;

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
    /** The shape ({@link #shape}) of each named version redefined in place, which redefinition never changes. */
    private final Map<Class<?>, List<String>> shapes = Collections.synchronizedMap(new WeakHashMap<>());

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

    /**
     * The current version's class given the bodies of {@code bytes}, as a redefinition: the same
     * class keeps its methods, so no call site changes and the JIT drops only code that inlined
     * them (a new version costs a deoptimizing {@code setTarget} per changed entry). Empty when the
     * current version is hidden (not redefinable), or when the new bodies do not relocate to the very
     * shape it has, which the JVM would refuse: then a new version is made.
     */
    Optional<ClassDefinition> inPlace(Managed m, byte[] bytes, ClassModel model, CodeRewriter.Loaded loaded, int version) {
        Class<?> current = m.current == null ? null : m.current.hidden();
        if (current == null || !VersionLoader.isVersion(current)) {
            return Optional.empty();
        }
        byte[] running = engine.definedBytes(current).orElse(null);
        List<String> problems = new ArrayList<>();
        String hiddenName = model.name() + "$$hotswap" + version;
        byte[] hiddenBytes = VersionWriter.write(bytes, model, hiddenName, loaded, problems, Set.of());
        if (running == null || !problems.isEmpty()) {
            return Optional.empty();
        }
        try {
            Relocator.Relocated relocated = Relocator.relocate(hiddenBytes, model.name(), hiddenName, erasure(m.type), problems);
            if (relocated == null || !problems.isEmpty() || !shape(relocated.bytes()).equals(shapes.computeIfAbsent(current,
                    k -> shape(running)))) {
                return Optional.empty();
            }
            return Optional.of(new ClassDefinition(current, relocated.bytes()));
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * What the JVM compares when a class is redefined: its header, its fields in order, its methods
     * (in any order) with their modifiers, and the attributes no redefinition may change.
     */
    static List<String> shape(byte[] bytes) {
        List<String> header = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        Set<String> methods = new TreeSet<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                header.add((access & 0xFFFF) + " " + name + " " + superName + " " + String.join(",", interfaces));
            }

            @Override
            public void visitNestHost(String nestHost) {
                header.add("host " + nestHost);
            }

            @Override
            public void visitNestMember(String nestMember) {
                header.add("member " + nestMember);
            }

            @Override
            public void visitPermittedSubclass(String permittedSubclass) {
                header.add("permits " + permittedSubclass);
            }

            @Override
            public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
                header.add("component " + name + descriptor);
                return null;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                fields.add(access + " " + name + descriptor);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                methods.add(name + descriptor + " " + (access & 0xFFFF));
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        List<String> shape = new ArrayList<>(header);
        shape.addAll(fields);
        shape.addAll(methods);
        return shape;
    }

    /** {@code e} as the JVM would word it for the class itself: a version's name ({@code $$hotswapN}, hidden suffix) dropped. */
    static LinkageError underUserName(LinkageError e, String internalName) {
        String message = e.getMessage();
        for (String name : List.of(internalName, internalName.replace('/', '.'))) {
            message = message == null ? null : message.replaceAll(
                    Pattern.quote(name) + "\\$\\$hotswap\\d+(?:[+/]0x[0-9a-fA-F]+)?", Matcher.quoteReplacement(name));
        }
        LinkageError renamed = e instanceof VerifyError ? new VerifyError(message) : new ClassFormatError(message);
        renamed.setStackTrace(e.getStackTrace());
        return renamed;
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

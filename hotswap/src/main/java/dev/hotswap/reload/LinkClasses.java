package dev.hotswap.reload;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.LinkCheck;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.Type;

/**
 * What the classes a batch names have, for the {@link LinkCheck}: the batch's own classes as
 * compiled, the classes of watched folders as they run now (their newest version), and any other
 * class as its loader finds it, loaded if need be but never initialized. One per batch and loader.
 */
final class LinkClasses implements LinkCheck.Classes {
    private final Map<String, ClassModel> batch;
    private final ClassLoader loader;
    private final RunningBytes running;
    private final Instrumentation instrumentation;
    private final Map<String, LinkCheck.Lookup> found = new HashMap<>();

    LinkClasses(Map<String, ClassModel> batch, ClassLoader loader, RunningBytes running, Instrumentation instrumentation) {
        this.batch = batch;
        this.loader = loader;
        this.running = running;
        this.instrumentation = instrumentation;
    }

    @Override
    public LinkCheck.Lookup find(String internalName) {
        return found.computeIfAbsent(internalName, this::look);
    }

    private LinkCheck.Lookup look(String internalName) {
        ClassModel inBatch = batch.get(internalName);
        if (inBatch != null) {
            return LinkCheck.Shape.of(inBatch);
        }
        Class<?> type;
        try {
            type = Class.forName(internalName.replace('/', '.'), false, loader);
        } catch (ClassNotFoundException e) {
            return LinkCheck.Lookup.missing();
        } catch (LinkageError | RuntimeException e) {
            return LinkCheck.Lookup.unknown(); // there, but not loadable now: the JVM will say why
        }
        if (!type.getName().replace('.', '/').equals(internalName)) {
            return LinkCheck.Lookup.missing(); // a name the loader mapped to another class
        }
        // A class of a watched folder: the members of its newest version, added ones included.
        Optional<ClassModel> newest = running.isWatched(type.getProtectionDomain())
                ? running.of(type, instrumentation).flatMap(RunningBytes.Running::model) : Optional.empty();
        if (newest.isPresent()) {
            return LinkCheck.Shape.of(newest.get());
        }
        try {
            Set<String> fields = new HashSet<>();
            for (Field f : type.getDeclaredFields()) {
                fields.add(f.getName() + ":" + Type.getDescriptor(f.getType()));
            }
            Set<String> methods = new HashSet<>();
            for (Method m : type.getDeclaredMethods()) {
                methods.add(m.getName() + Type.getMethodDescriptor(m));
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                methods.add("<init>" + Type.getConstructorDescriptor(c));
            }
            Class<?> superclass = type.getSuperclass();
            List<String> interfaces = java.util.Arrays.stream(type.getInterfaces())
                    .map(i -> i.getName().replace('.', '/')).toList();
            return new LinkCheck.Shape(internalName, Optional.ofNullable(superclass).map(s -> s.getName().replace('.', '/')),
                    interfaces, fields, methods);
        } catch (LinkageError | RuntimeException e) {
            return LinkCheck.Lookup.unknown();
        }
    }
}

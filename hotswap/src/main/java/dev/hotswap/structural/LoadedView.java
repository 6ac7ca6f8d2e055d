package dev.hotswap.structural;

import dev.hotswap.classfile.ClassModel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.objectweb.asm.Type;

/**
 * What the loaded classes have, as the code writers ({@link CodeRewriter}) ask while a batch is
 * prepared: answered from the JVM's classes by reflection, without initializing any, and from
 * the engine's schemas, the batch's own classes included.
 */
final class LoadedView {
    private LoadedView() {
    }

    static CodeRewriter.Loaded of(Engine engine, Registry registry, List<Engine.Structural> structural,
                                  Set<String> batchNames) {
        Map<String, Class<?>> byName = new HashMap<>();
        structural.forEach(s -> byName.put(s.next().name(), s.type()));
        registry.all().forEach(m -> byName.put(m.loaded.name(), m.type));
        ClassLoader loader = structural.isEmpty() ? null : structural.get(0).type().getClassLoader();
        Map<String, Optional<Class<?>>> resolved = new HashMap<>();
        return new CodeRewriter.Loaded() {
            private Optional<Class<?>> find(String owner) {
                return resolved.computeIfAbsent(owner, o -> {
                    Class<?> known = byName.get(o);
                    if (known != null) {
                        return Optional.of(known);
                    }
                    if (o.startsWith("[") || loader == null) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(Class.forName(o.replace('/', '.'), false, loader));
                    } catch (ClassNotFoundException | LinkageError e) {
                        return Optional.empty();
                    }
                });
            }

            @Override
            public boolean isPublicInterface(String internalName) {
                return find(internalName).or(() -> {
                    try {
                        return Optional.of(Class.forName(internalName.replace('/', '.'), false, loader));
                    } catch (ClassNotFoundException | LinkageError e) {
                        return Optional.empty();
                    }
                }).filter(c -> c.isInterface() && Modifier.isPublic(c.getModifiers())).isPresent();
            }

            @Override
            public boolean isReloadable(String owner) {
                return batchNames.contains(owner) || find(owner).filter(c -> registry.manages(c) || engine.isReloadable(c)).isPresent();
            }

            @Override
            public boolean hasField(String owner, String name, String descriptor, boolean isStatic) {
                // An owner we cannot find is not ours to judge: the access stays as compiled.
                // A loaded field that a swap removed and a later one brought back is not the loaded one any more.
                return find(owner).map(type -> inHierarchy(type, k -> List.of(dev.hotswap.reflect.Mirror.fieldsAsLoaded(k)).stream()
                        .anyMatch(f -> f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)
                                && Modifier.isStatic(f.getModifiers()) == isStatic
                                && !registry.of(k).filter(m -> registry.retired(m, name, descriptor, isStatic)).isPresent())))
                        .orElse(true);
            }

            @Override
            public Optional<String> protectedDeclarer(String owner, String name, String descriptor, boolean field) {
                return find(owner).flatMap(type -> {
                    for (Class<?> k = type; k != null; k = k.getSuperclass()) {
                        int modifiers = -1;
                        if (field) {
                            for (Field f : dev.hotswap.reflect.Mirror.fieldsAsLoaded(k)) {
                                if (f.getName().equals(name) && Type.getDescriptor(f.getType()).equals(descriptor)) {
                                    modifiers = f.getModifiers();
                                }
                            }
                        } else {
                            for (Method m : dev.hotswap.reflect.Mirror.methodsAsLoaded(k)) {
                                if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)) {
                                    modifiers = m.getModifiers();
                                }
                            }
                        }
                        if (modifiers != -1) {
                            return Modifier.isProtected(modifiers) ? Optional.of(k.getName().replace('.', '/'))
                                    : Optional.empty();
                        }
                    }
                    return Optional.empty();
                });
            }

            private Optional<Managed> named(String owner) {
                return Optional.ofNullable(registry.named(loader, owner));
            }

            @Override
            public boolean hasConstructor(String owner, String descriptor) {
                return named(owner).map(m -> LoadRewriter.declares(m.loaded, false, "<init>", descriptor, false)).orElse(true);
            }

            @Override
            public Optional<CodeRewriter.Carrier> carrier(String owner) {
                return named(owner).map(m -> m.carrier);
            }

            @Override
            public boolean removedField(String owner, String name, String descriptor, boolean isStatic) {
                Managed m = registry.named(loader, owner);
                if (m == null) {
                    return false;
                }
                ClassModel newest = registry.newest(m).orElse(null);
                return newest != null && LoadRewriter.declares(m.loaded, true, name, descriptor, isStatic)
                        && !LoadRewriter.declares(newest, true, name, descriptor, isStatic);
            }

            @Override
            public boolean fieldAccessChanged(String accessor, String owner, String name, String descriptor,
                                              boolean isStatic, boolean write) {
                Managed m = registry.named(loader, owner);
                if (m == null) {
                    return false;
                }
                ClassModel newest = registry.newest(m).orElse(null);
                return newest != null && LoadRewriter.fieldAccessChanged(m.loaded, newest, accessor, name, descriptor,
                        isStatic, write);
            }

            @Override
            public boolean privateInNest(ClassModel self, String owner, String name, String descriptor, boolean field) {
                return registry.hasClassesOf(loader) && LoadRewriter.privateInNest(self, owner, name, descriptor, field,
                        engine.schemas(loader));
            }

            @Override
            public boolean has(String owner, String name, String descriptor, boolean isStatic) {
                return find(owner).map(type -> inHierarchy(type, k -> List.of(dev.hotswap.reflect.Mirror.methodsAsLoaded(k)).stream()
                        .anyMatch(m -> m.getName().equals(name) && Type.getMethodDescriptor(m).equals(descriptor)
                                && Modifier.isStatic(m.getModifiers()) == isStatic))).orElse(true);
            }
        };
    }

    /** True when {@code declares} holds for {@code start} or any of its superclasses and superinterfaces. */
    static boolean inHierarchy(Class<?> start, Predicate<Class<?>> declares) {
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(start));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> k = todo.poll();
            if (!seen.add(k)) {
                continue;
            }
            if (declares.test(k)) {
                return true;
            }
            if (k.getSuperclass() != null) {
                todo.add(k.getSuperclass());
            }
            todo.addAll(List.of(k.getInterfaces()));
        }
        return false;
    }
}

package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.ConstructorCode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.MethodParameter;
import org.springframework.util.ReflectionUtils;

/**
 * A bean whose constructor changed (constructor injection, the usual Spring style: a dependency
 * added or removed). When the new constructor only stores its parameters in fields, the
 * existing instance gets them in place, as the constructor would have stored them, and keeps
 * the rest of its state. Otherwise it is made anew; the fields the new constructor does not
 * write are carried over from the old instance by name and type, and a warning names them and
 * those that start afresh.
 */
final class Constructors {
    private final DefaultListableBeanFactory factory;
    private final Beans beans;

    Constructors(DefaultListableBeanFactory factory, Beans beans) {
        this.factory = factory;
        this.beans = beans;
    }

    /**
     * Brings bean {@code name} of {@code type} up to date with its new constructor; the warnings.
     * In place only when every field the swap left at its default for objects made before
     * ({@code leftAtDefault}) is one the constructor stores a parameter in, which Spring fills.
     */
    List<Reason> follow(String name, Class<?> type, Set<String> leftAtDefault) throws Exception {
        Optional<Constructor<?>> constructor = injecting(type, name);
        Optional<ConstructorCode> code = constructor.flatMap(c -> classFile(type).flatMap(bytes -> ConstructorCode.read(bytes,
                MethodType.methodType(void.class, c.getParameterTypes()).toMethodDescriptorString())));
        boolean filledInPlace = code.isPresent() && code.get().fieldOfParameter().values().containsAll(leftAtDefault);
        if (constructor.isPresent() && code.isPresent() && code.get().onlyAssigns() && filledInPlace) {
            inPlace(name, type, constructor.get(), code.get());
            return List.of();
        }
        Set<String> written = code.map(ConstructorCode::written).orElse(null);
        Map<Field, Object> kept = new LinkedHashMap<>();
        List<String> afresh = new ArrayList<>();
        Object old = target(factory.getSingleton(name));
        for (Field f : fields(type)) {
            if (written != null && !written.contains(f.getName())) {
                kept.put(f, f.get(old));
            } else {
                afresh.add(f.getName());
            }
        }
        List<String> carried = new ArrayList<>();
        // Carried over before the holders get the new instance: no call sees it without its state.
        int moved = beans.remake(name, made -> {
            Object fresh = target(made);
            for (Map.Entry<Field, Object> e : kept.entrySet()) {
                Field now = ReflectionUtils.findField(fresh.getClass(), e.getKey().getName(), e.getKey().getType());
                if (now != null && !Modifier.isStatic(now.getModifiers())) {
                    now.setAccessible(true);
                    ReflectionUtils.setField(now, fresh, e.getValue());
                    carried.add(now.getName());
                }
            }
        });
        String why = constructor.isEmpty() ? "Spring has no one constructor to inject"
                : code.isEmpty() ? "its class file could not be read"
                : !code.get().onlyAssigns() ? "its constructor does more than store its parameters"
                : "its constructor sets " + String.join(", ", leftAtDefault) + " in a way that cannot run for the old instance";
        return List.of(new Reason(type.getName(), "", "bean '" + name + "' was made anew for its changed constructor (" + why
                + ")" + (carried.isEmpty() ? "" : "; carried over from the old instance: " + String.join(", ", carried))
                + (afresh.isEmpty() ? "" : "; starting afresh: " + String.join(", ", afresh))
                + (moved > 0 ? "; " + moved + " reference(s) to it now hold the new one" : ""), Kind.BEAN_RECREATED));
    }

    /** The existing instance gets what the new constructor would have stored; resolved first, then set: all or nothing. */
    private void inPlace(String name, Class<?> type, Constructor<?> constructor, ConstructorCode code) throws Exception {
        Object target = target(factory.getSingleton(name));
        Set<String> autowired = new LinkedHashSet<>();
        Map<Field, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < constructor.getParameterCount(); i++) {
            Field field = ReflectionUtils.findField(type, code.fieldOfParameter().get(i));
            if (field == null) {
                throw new NoSuchFieldException(type.getName() + "." + code.fieldOfParameter().get(i));
            }
            DependencyDescriptor parameter = new DependencyDescriptor(new MethodParameter(constructor, i), true);
            values.put(field, factory.resolveDependency(parameter, name, autowired, factory.getTypeConverter()));
        }
        for (Map.Entry<Field, Object> e : values.entrySet()) {
            e.getKey().setAccessible(true);
            e.getKey().set(target, e.getValue());
        }
        autowired.forEach(dependency -> factory.registerDependentBean(dependency, name));
    }

    /** The constructor Spring injects {@code type} through, as it picks it at a fresh start. */
    private Optional<Constructor<?>> injecting(Class<?> type, String name) {
        for (BeanPostProcessor p : factory.getBeanPostProcessors()) {
            if (p instanceof AutowiredAnnotationBeanPostProcessor autowired) {
                Constructor<?>[] candidates = autowired.determineCandidateConstructors(type, name);
                if (candidates != null) {
                    return candidates.length == 1 ? Optional.of(candidates[0]) : Optional.empty();
                }
            }
        }
        Constructor<?>[] all = type.getDeclaredConstructors();
        return all.length == 1 ? Optional.of(all[0]) : Optional.empty();
    }

    private static Optional<byte[]> classFile(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Object target(Object bean) {
        Object target = AopProxyUtils.getSingletonTarget(bean);
        return target != null ? target : bean;
    }

    /** The instance fields of {@code type} and its superclasses below the JDK's. */
    private static List<Field> fields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> k = type; k != null && !k.getName().startsWith("java."); k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                    f.setAccessible(true);
                    fields.add(f);
                }
            }
        }
        return fields;
    }
}

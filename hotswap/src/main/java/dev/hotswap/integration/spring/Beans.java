package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor;
import org.springframework.beans.factory.annotation.InitDestroyAnnotationBeanPostProcessor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.MergedBeanDefinitionPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * One application context's singletons, brought up to date with reshaped classes: what Spring
 * found about a class (merged definition, injection points, constructors, lifecycle methods)
 * is forgotten; a bean whose constructor changed is made anew and every bean holding the old
 * instance gets the new one; a bean with new injection points is injected again in place
 * (its state kept); a {@code @Bean} method added to a configuration is registered and its bean
 * made.
 */
final class Beans {
    private final ConfigurableApplicationContext context;
    private final DefaultListableBeanFactory factory;

    Beans(ConfigurableApplicationContext context, DefaultListableBeanFactory factory) {
        this.context = context;
        this.factory = factory;
    }

    /** The singletons made so far whose class is {@code type} or a subclass of it. */
    List<String> of(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (String name : factory.getSingletonNames()) {
            Object bean = factory.getSingleton(name);
            if (bean != null && type.isAssignableFrom(userClass(bean))) {
                names.add(name);
            }
        }
        return names;
    }

    static Class<?> userClass(Object bean) {
        return ClassUtils.getUserClass(AopProxyUtils.ultimateTargetClass(bean));
    }

    /** Forgets what Spring read from the class of bean {@code name}. */
    void forget(String name, Class<?> type) throws Exception {
        Internals.call(factory, DefaultListableBeanFactory.class, "clearMergedBeanDefinition", new Class<?>[] {String.class},
                name);
        for (BeanPostProcessor p : factory.getBeanPostProcessors()) {
            if (p instanceof MergedBeanDefinitionPostProcessor merged) {
                merged.resetBeanDefinition(name);
                merged.resetBeanDefinition(type.getName()); // autowireBean's key
            }
            if (p instanceof AutowiredAnnotationBeanPostProcessor) {
                Internals.forget(p, AutowiredAnnotationBeanPostProcessor.class, "candidateConstructorsCache", type);
            }
            if (p instanceof InitDestroyAnnotationBeanPostProcessor) {
                Internals.forget(p, InitDestroyAnnotationBeanPostProcessor.class, "lifecycleMetadataCache", type);
            }
        }
        Internals.forget(factory, AbstractAutowireCapableBeanFactory.class, "factoryMethodCandidateCache", type);
        Internals.forget(factory, AbstractAutowireCapableBeanFactory.class, "filteredPropertyDescriptorsCache", type);
    }

    /** Injects bean {@code name} again, in place: new {@code @Autowired}, {@code @Value}, {@code @Resource} members get their values. */
    void inject(String name) {
        Object bean = factory.getSingleton(name);
        Object target = AopProxyUtils.getSingletonTarget(bean);
        factory.autowireBean(target != null ? target : bean);
    }

    /**
     * Makes bean {@code name} anew (its constructor changed) and hands the new instance to every
     * singleton that held the old one (for a factory bean, the new product to the holders of the old).
     *
     * @return how many references were moved to the new instance
     */
    int remake(String name) throws Exception {
        return remake(name, fresh -> { });
    }

    /**
     * As {@link #remake(String)}, with {@code prepare} given the new instance before any bean
     * holds it (state carried over from the old one is there at its first call).
     */
    int remake(String name, java.util.function.Consumer<Object> prepare) throws Exception {
        Object old = factory.getSingleton(name);
        // A factory bean (a Spring Data repository's): its product is what other beans hold.
        Object oldProduct = old instanceof org.springframework.beans.factory.FactoryBean<?> ? factory.getBean(name) : old;
        Object fresh = makeAgain(name);
        prepare.accept(fresh);
        int moved = moveReferences(oldProduct, fresh);
        try {
            factory.destroyBean(old);
        } catch (RuntimeException e) {
            // the old instance's own @PreDestroy failed: it is gone from the context either way
        }
        return moved;
    }

    /**
     * Singleton {@code name} dropped and got again: a new instance, or for a factory bean a new
     * factory bean and its new product (returned). If that fails the old singleton stays.
     */
    Object makeAgain(String name) throws Exception {
        Object old = factory.getSingleton(name);
        Internals.call(factory, AbstractAutowireCapableBeanFactory.class, "removeSingleton", new Class<?>[] {String.class},
                name);
        try {
            return factory.getBean(name);
        } catch (RuntimeException e) {
            factory.registerSingleton(name, old); // the old instance stays: nothing half done
            throw e;
        }
    }

    /** Every singleton field holding {@code old} (or its target) now holds {@code fresh}; how many were moved. */
    int moveReferences(Object old, Object fresh) {
        Object oldTarget = AopProxyUtils.getSingletonTarget(old);
        Object freshTarget = AopProxyUtils.getSingletonTarget(fresh);
        int moved = 0;
        for (String other : factory.getSingletonNames()) {
            Object holder = factory.getSingleton(other);
            if (holder == null || holder == fresh) {
                continue;
            }
            Object target = AopProxyUtils.getSingletonTarget(holder);
            Object object = target != null ? target : holder;
            for (Class<?> k = object.getClass(); k != null && k != Object.class && !k.getName().startsWith("java."); k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        Object value = f.get(object);
                        if (value != null && (value == old || value == oldTarget)) {
                            f.set(object, value == old ? fresh : freshTarget != null ? freshTarget : fresh);
                            moved++;
                        }
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // a field Spring's own code guards (a JDK module's): not a bean reference we can move
                    }
                }
            }
        }
        return moved;
    }

    /**
     * A bean that was not proxied at start-up and now matches an advisor (an annotation such as
     * {@code @Transactional} was added): the context's auto-proxy creator wraps the existing
     * instance, which keeps its state, and every bean that held it holds the proxy.
     *
     * @return whether the bean is now proxied
     */
    boolean proxyIfAdvised(String name) throws Exception {
        Object bean = factory.getSingleton(name);
        Class<?> type = userClass(bean);
        boolean advised = false;
        for (org.springframework.aop.Advisor advisor : factory.getBeansOfType(org.springframework.aop.Advisor.class, false,
                false).values()) {
            advised |= org.springframework.aop.support.AopUtils.canApply(advisor, type);
        }
        if (!advised) {
            return false;
        }
        for (BeanPostProcessor p : factory.getBeanPostProcessors()) {
            if (p instanceof org.springframework.aop.framework.autoproxy.AbstractAutoProxyCreator creator) {
                // The creator's own key for the bean (its name in Spring 6, name and class in Spring 7).
                Object key = Internals.call(creator, org.springframework.aop.framework.autoproxy.AbstractAutoProxyCreator.class,
                        "getCacheKey", new Class<?>[] {Class.class, String.class}, bean.getClass(), name);
                for (String cache : List.of("advisedBeans", "earlyBeanReferences", "proxyTypes")) {
                    Internals.forget(creator, org.springframework.aop.framework.autoproxy.AbstractAutoProxyCreator.class,
                            cache, key);
                }
                Object proxy = creator.postProcessAfterInitialization(bean, name);
                if (proxy != bean) {
                    Internals.call(factory, AbstractAutowireCapableBeanFactory.class, "removeSingleton",
                            new Class<?>[] {String.class}, name);
                    factory.registerSingleton(name, proxy);
                    moveReferences(bean, proxy);
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Registers the {@code @Bean} methods of configuration bean {@code config} that no bean
     * definition comes from yet (added by the swap).
     *
     * @return the names of the beans registered
     */
    List<String> newBeanMethods(String config, Class<?> type) {
        Set<String> known = new LinkedHashSet<>();
        for (String name : factory.getBeanDefinitionNames()) {
            BeanDefinition d = factory.getBeanDefinition(name);
            if (config.equals(d.getFactoryBeanName()) || (d.getFactoryBeanName() == null && type.getName().equals(d.getBeanClassName()))) {
                if (d.getFactoryMethodName() != null) {
                    known.add(d.getFactoryMethodName());
                }
            }
        }
        List<String> added = new ArrayList<>();
        for (Method m : ReflectionUtils.getUniqueDeclaredMethods(type)) {
            Bean bean = AnnotatedElementUtils.findMergedAnnotation(m, Bean.class);
            if (bean == null || known.contains(m.getName())) {
                continue;
            }
            String[] names = bean.name();
            String name = names.length > 0 ? names[0] : m.getName();
            if (factory.containsBeanDefinition(name)) {
                continue;
            }
            RootBeanDefinition d = new RootBeanDefinition();
            if (Modifier.isStatic(m.getModifiers())) {
                d.setBeanClass(type);
            } else {
                d.setFactoryBeanName(config);
            }
            d.setUniqueFactoryMethodName(m.getName());
            d.setResolvedFactoryMethod(m);
            d.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
            d.setAutowireCandidate(bean.autowireCandidate());
            if (StringUtils.hasText(bean.initMethod())) {
                d.setInitMethodName(bean.initMethod());
            }
            d.setDestroyMethodName(bean.destroyMethod());
            d.setPrimary(AnnotatedElementUtils.hasAnnotation(m, Primary.class));
            Lazy lazy = AnnotatedElementUtils.findMergedAnnotation(m, Lazy.class);
            d.setLazyInit(lazy != null && lazy.value());
            factory.registerBeanDefinition(name, d);
            for (int i = 1; i < names.length; i++) {
                factory.registerAlias(name, names[i]);
            }
            added.add(name);
        }
        return added;
    }

    /** The beans made by {@code @Bean} methods of configuration bean {@code config} that its class no longer has. */
    List<String> removedBeanMethods(String config, Class<?> type) {
        Set<String> methods = new LinkedHashSet<>();
        for (Method m : ReflectionUtils.getUniqueDeclaredMethods(type)) {
            if (AnnotatedElementUtils.hasAnnotation(m, Bean.class)) {
                methods.add(m.getName());
            }
        }
        List<String> gone = new ArrayList<>();
        for (String name : factory.getBeanDefinitionNames()) {
            BeanDefinition d = factory.getBeanDefinition(name);
            boolean ours = config.equals(d.getFactoryBeanName())
                    || (d.getFactoryBeanName() == null && type.getName().equals(d.getBeanClassName()));
            if (ours && d.getFactoryMethodName() != null && !methods.contains(d.getFactoryMethodName())) {
                gone.add(name);
            }
        }
        return gone;
    }

    /** Makes the registered singletons that are not lazy; each failure is a warning naming the bean. */
    List<Reason> make(Collection<String> names) {
        List<Reason> warnings = new ArrayList<>();
        for (String name : names) {
            BeanDefinition d = factory.getMergedBeanDefinition(name);
            if (d.isSingleton() && !d.isLazyInit() && !d.isAbstract()) {
                try {
                    factory.getBean(name);
                } catch (RuntimeException e) {
                    warnings.add(new Reason(String.valueOf(d.getBeanClassName()), "", "Spring could not create the new bean '"
                            + name + "' (" + rootCause(e) + "): fix it and recompile, or restart", Kind.FRAMEWORK_FAILED));
                }
            }
        }
        return warnings;
    }

    static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == e ? String.valueOf(e) : e.getClass().getSimpleName() + ": " + c;
    }

    ConfigurableApplicationContext context() {
        return context;
    }
}

package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.Change;
import dev.hotswap.integration.Context;
import dev.hotswap.integration.Integration;
import dev.hotswap.integration.Swap;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AdvisedSupport;
import org.springframework.beans.CachedIntrospectionResults;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cglib.proxy.Callback;
import org.springframework.cglib.proxy.Factory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Spring Framework 6 (Spring Boot 3): every active application context follows each batch.
 * For the classes a batch reshaped (members or annotations changed; a body edit needs nothing):
 * Spring's reflection caches forget them, their singletons are injected again in place or,
 * for a changed constructor, made anew ({@link Beans}); proxies re-read their advice; added
 * {@code @Bean} methods and new component classes become beans ({@link Scan}); Spring MVC maps
 * their request handlers again ({@link Mappings}). A method added to a proxied bean runs through
 * the proxy's advice ({@link Proxies}). Configuration files read again reach {@code @Value} members
 * and {@code @ConfigurationProperties} beans ({@link Config}).
 */
public final class SpringFollower implements Integration {
    private final Context context;

    public SpringFollower(Context context) {
        String version = org.springframework.core.SpringVersion.getVersion();
        if (version != null && !version.isEmpty() && Character.isDigit(version.charAt(0))
                && Integer.parseInt(version.split("\\.")[0]) < 6) {
            throw new UnsupportedOperationException("Spring Framework " + version + " has no integration in hotswap"
                    + " (it follows Spring 6 and later)");
        }
        this.context = context;
    }

    /** Spring's own reflection caches; again when the batch settles: a request that straddled it may have filled them. */
    @Override
    public void settle() {
        ReflectionUtils.clearCache();
        AnnotationUtils.clearCache();
        ResolvableType.clearCache();
    }

    @Override
    public Optional<MethodHandle> addedMethod(Class<?> receiverClass, Method added, MethodType type) {
        return Proxies.route(receiverClass, added, type);
    }

    @Override
    public Followed afterSwap(Swap swap) {
        List<Swap.Changed> reshaped = swap.changed().stream().filter(Swap.Changed::reshaped).toList();
        List<Swap.Changed> recoded = swap.changed().stream().filter(c -> !c.bodiesChanged().isEmpty()).toList();
        if (reshaped.isEmpty() && recoded.isEmpty() && swap.fresh().isEmpty() && swap.resources().isEmpty()
                && swap.removed().isEmpty()) {
            return Followed.NOTHING;
        }
        if (reshaped.isEmpty() && swap.fresh().isEmpty() && swap.resources().isEmpty() && swap.removed().isEmpty()) {
            // Bodies only: nothing Spring read changed, but a @Bean method's new code makes its bean anew.
            List<Reason> warnings = new ArrayList<>();
            for (Object seen : contexts()) {
                ConfigurableApplicationContext app = (ConfigurableApplicationContext) seen;
                if (app.isActive() && app.getBeanFactory() instanceof DefaultListableBeanFactory factory) {
                    remakeProducts(new Beans(app, factory), factory, recoded, Set.of(), warnings);
                }
            }
            return new Followed(warnings, List.of());
        }
        settle();
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        reshaped.forEach(c -> loaders.add(c.type().getClassLoader()));
        loaders.forEach(CachedIntrospectionResults::clearClassLoader);
        List<Reason> warnings = new ArrayList<>();
        Set<String> taken = new LinkedHashSet<>();
        Set<String> read = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        for (Object seen : contexts()) {
            ConfigurableApplicationContext app = (ConfigurableApplicationContext) seen;
            if (!app.isActive() || !(app.getBeanFactory() instanceof DefaultListableBeanFactory factory)) {
                continue;
            }
            if (!swap.removed().isEmpty()) {
                drop(app, factory, swap.removed(), warnings, notes);
            }
            if (!swap.resources().isEmpty()) {
                read.addAll(new Config(app, new Beans(app, factory)).reread(swap.resources(), warnings));
                read.addAll(new Views(app).follow(swap.resources(), warnings));
            }
            if (!reshaped.isEmpty()) {
                Validators.forget(factory); // constraints added, removed or changed apply from the next validation
            }
            if (Jpa.present(app.getClassLoader())) { // first: beans remade below may need a new repository
                new Jpa(factory, new Beans(app, factory)).follow(reshaped, swap.fresh(), warnings, taken, notes);
            }
            follow(app, factory, reshaped, recoded, swap.fresh(), warnings, taken, notes);
        }
        return new Followed(warnings, List.copyOf(taken), List.copyOf(read), notes);
    }

    /**
     * The application contexts seen as they were made and, when hotswap started after Spring,
     * those Spring Boot registered for its shutdown hook (every context {@code SpringApplication}
     * ran).
     */
    private List<Object> contexts() {
        List<Object> all = new ArrayList<>(context.seen());
        if (context.startedLate() && org.springframework.util.ClassUtils.isPresent("org.springframework.boot.SpringApplication",
                SpringFollower.class.getClassLoader())) {
            Internals.field(null, org.springframework.boot.SpringApplication.class, "shutdownHook").ifPresent(hook ->
                    Internals.field(hook, hook.getClass(), "contexts").filter(java.util.Collection.class::isInstance)
                            .ifPresent(set -> {
                                List<Object> boot;
                                synchronized (hook) {
                                    boot = List.copyOf((java.util.Collection<?>) set);
                                }
                                boot.stream().filter(c -> all.stream().noneMatch(s -> s == c)).forEach(all::add);
                            }));
        }
        return all;
    }

    private void follow(ConfigurableApplicationContext app, DefaultListableBeanFactory factory, List<Swap.Changed> reshaped,
                        List<Swap.Changed> recoded, List<String> fresh, List<Reason> warnings, Set<String> taken,
                        List<String> notes) {
        Beans beans = new Beans(app, factory);
        Map<String, Swap.Changed> touched = new LinkedHashMap<>();
        for (Swap.Changed c : reshaped) {
            for (String name : beans.of(c.type())) {
                touched.put(name, c);
            }
        }
        List<String> made = new ArrayList<>();
        // New classes first: an existing bean injected again below may need one of them.
        Set<String> takenHere = new LinkedHashSet<>();
        if (!fresh.isEmpty()) {
            try {
                made.addAll(new Scan(app, factory).register(fresh, takenHere));
            } catch (Exception | LinkageError x) {
                fresh.forEach(n -> warnings.add(new Reason(n, "", "Spring could not register this new class ("
                        + Beans.rootCause(x) + "): restart to have it picked up", Kind.FRAMEWORK_FAILED)));
            }
        }
        for (Map.Entry<String, Swap.Changed> e : touched.entrySet()) {
            String name = e.getKey();
            Swap.Changed c = e.getValue();
            String type = c.type().getName();
            try {
                Object bean = factory.getSingleton(name);
                beans.forget(name, Beans.userClass(bean));
                List<Reason> remade = constructorChanged(c) ? new Constructors(factory, beans).follow(name, c.type(), c.facts().fieldsLeftAtDefault()) : List.of();
                warnings.addAll(remade);
                if (constructorChanged(c)) {
                    taken.add(type); // the bean has its new constructor's fields: filled in place, or made anew
                }
                boolean newInjectionPoints = c.annotationsChanged() || c.changes().stream().anyMatch(x ->
                        x.kind() == Change.Kind.FIELD_ADDED || x.kind() == Change.Kind.FIELD_TYPE_CHANGED);
                if (remade.isEmpty() && newInjectionPoints) {
                    beans.inject(name); // kept in place: its new injection points get their values
                }
                if (c.annotationsChanged()) {
                    Object now = factory.getSingleton(name);
                    if (now instanceof Advised) {
                        reviseAdvice(now);
                    } else {
                        beans.proxyIfAdvised(name); // newly advised (@Transactional added): wrapped, its state kept
                    }
                }
                warnings.addAll(Listeners.notRegistered(c, name));
                Class<?> config = Beans.userClass(factory.getSingleton(name));
                made.addAll(beans.newBeanMethods(name, config));
                for (String product : beans.removedBeanMethods(name, config)) {
                    dropBean(app, factory, product, type, "its @Bean method was removed", List.of(), warnings, notes);
                }
            } catch (Exception | LinkageError x) {
                warnings.add(new Reason(type, "", "Spring could not bring bean '" + name + "' up to date ("
                        + Beans.rootCause(x) + "): it may still be wired as before; restart to be sure", Kind.FRAMEWORK_FAILED));
            }
        }
        remakeProducts(beans, factory, recoded, touched.keySet(), warnings);
        Repositories.remake(beans, factory, reshaped, warnings, notes);
        warnings.addAll(beans.make(made));
        taken.addAll(takenHere);
        warnings.addAll(Listeners.reactive(app, touched.values(), made));
        if (Mappings.present(app.getClassLoader())) {
            Set<Class<?>> types = new LinkedHashSet<>();
            reshaped.forEach(c -> types.add(c.type()));
            Set<String> handlers = new LinkedHashSet<>(touched.keySet());
            handlers.addAll(made);
            warnings.addAll(new Mappings(app).refresh(types, handlers));
        }
    }

    /**
     * Beans made by a {@code @Bean} method whose code changed: made anew by the new code, as a
     * fresh start would make them, and handed to every bean that held them.
     */
    private static void remakeProducts(Beans beans, DefaultListableBeanFactory factory, List<Swap.Changed> changed,
                                       Set<String> done, List<Reason> warnings) {
        for (Swap.Changed c : changed) {
            if (c.bodiesChanged().isEmpty()) {
                continue;
            }
            List<String> configs = beans.of(c.type());
            for (String name : factory.getBeanDefinitionNames()) {
                org.springframework.beans.factory.config.BeanDefinition d = factory.getBeanDefinition(name);
                String method = d.getFactoryMethodName();
                if (method == null || !c.bodyChanged(method) || done.contains(name) || !factory.containsSingleton(name)
                        || !(d.getFactoryBeanName() != null ? configs.contains(d.getFactoryBeanName())
                        : c.type().getName().equals(d.getBeanClassName()))) {
                    continue;
                }
                try {
                    beans.forget(name, Beans.userClass(factory.getSingleton(name)));
                    int moved = beans.remake(name);
                    warnings.add(new Reason(c.type().getName(), method + "()", "bean '" + name + "' was made anew by its"
                            + " changed @Bean method: its fields start afresh" + (moved > 0 ? "; " + moved
                            + " reference(s) to it now hold the new one" : ""), Kind.BEAN_RECREATED));
                } catch (Exception | LinkageError x) {
                    warnings.add(new Reason(c.type().getName(), method + "()", "Spring could not make bean '" + name
                            + "' anew by its changed @Bean method (" + Beans.rootCause(x) + "): it is as the old code made"
                            + " it; restart to have the new one", Kind.FRAMEWORK_FAILED));
                }
            }
        }
    }

    /**
     * Classes whose class files were deleted: their beans go, with their request mappings, as a
     * fresh start without them would have it; unless other beans still hold them, which a fresh
     * start would refuse: then they stay, and a warning says so.
     */
    private static void drop(ConfigurableApplicationContext app, DefaultListableBeanFactory factory, List<String> removed,
                             List<Reason> warnings, List<String> notes) {
        for (String gone : removed) {
            for (String name : factory.getBeanDefinitionNames()) {
                if (!gone.equals(factory.getBeanDefinition(name).getBeanClassName())) {
                    continue;
                }
                Class<?> type = factory.getType(name);
                if (type != null && org.springframework.core.annotation.AnnotatedElementUtils.hasAnnotation(
                        org.springframework.util.ClassUtils.getUserClass(type),
                        org.springframework.context.annotation.ComponentScan.class)) {
                    warnings.add(new Reason(gone, "", "its class file was deleted, but it is where the application's"
                            + " component scan starts: bean '" + name + "' stays until a restart", Kind.FRAMEWORK_NOT_FOLLOWED));
                    continue;
                }
                dropBean(app, factory, name, gone, "its class file was deleted", removed, warnings, notes);
            }
        }
    }

    /**
     * Removes bean {@code name} with its request mappings, as a fresh start without it would have
     * it; unless other beans (of classes not removed too) still hold it, which a fresh start would
     * refuse: then it stays, and a warning says so.
     */
    private static void dropBean(ConfigurableApplicationContext app, DefaultListableBeanFactory factory, String name,
                                 String where, String why, List<String> removedClasses, List<Reason> warnings,
                                 List<String> notes) {
        List<String> holders = java.util.Arrays.stream(factory.getDependentBeans(name))
                .filter(h -> factory.containsBeanDefinition(h)
                        // a @Bean method's product has no class name (and List.contains(null) throws)
                        && removedClasses.stream().noneMatch(r -> r.equals(factory.getBeanDefinition(h).getBeanClassName())))
                .toList();
        if (!holders.isEmpty()) {
            warnings.add(new Reason(where, "", why + ", but bean(s) " + String.join(", ", holders) + " still hold bean '"
                    + name + "': it stays, with its mappings, until a restart", Kind.FRAMEWORK_NOT_FOLLOWED));
            return;
        }
        try {
            Class<?> type = factory.getType(name);
            if (type != null && Mappings.present(app.getClassLoader())) {
                warnings.addAll(new Mappings(app).refresh(Set.of(org.springframework.util.ClassUtils.getUserClass(type)),
                        List.of()));
            }
            factory.removeBeanDefinition(name);
            notes.add("bean '" + name + "' (" + where + ") removed from Spring, with its request mappings: " + why);
        } catch (RuntimeException | LinkageError x) {
            warnings.add(new Reason(where, "", why + ", but Spring could not drop bean '" + name + "' ("
                    + Beans.rootCause(x) + "): restart to drop it", Kind.FRAMEWORK_FAILED));
        }
    }

    /**
     * A constructor added, removed or re-typed; or one whose code changed as fields were added
     * (a fresh start would have it store them: an instance kept as it was would hold nothing there).
     */
    private static boolean constructorChanged(Swap.Changed c) {
        return c.changes().stream().anyMatch(x -> x.member().startsWith("<init>(") && (x.kind() == Change.Kind.METHOD_ADDED
                || x.kind() == Change.Kind.METHOD_REMOVED || x.kind() == Change.Kind.METHOD_SIGNATURE_CHANGED))
                || (c.changes().stream().anyMatch(x -> x.kind() == Change.Kind.FIELD_ADDED) && c.bodyChanged("<init>"));
    }

    /** A proxy's advice chains and the annotation sources behind them are read again (an annotation was added or removed). */
    private static void reviseAdvice(Object bean) {
        if (!(bean instanceof Advised) || !(bean instanceof Factory proxy)) {
            return;
        }
        for (Callback callback : proxy.getCallbacks()) {
            Internals.field(callback, callback.getClass(), "advised").filter(AdvisedSupport.class::isInstance).ifPresent(a -> {
                try {
                    Internals.call(a, AdvisedSupport.class, "adviceChanged", new Class<?>[0]);
                } catch (Exception e) {
                    // the chains stay as they were: the next start re-reads them
                }
                for (org.springframework.aop.Advisor advisor : ((AdvisedSupport) a).getAdvisors()) {
                    forgetSources(advisor);
                }
            });
        }
    }

    /** The per-method annotation caches of the cache and transaction advisors ({@code @Cacheable}, {@code @Transactional}). */
    private static void forgetSources(Object advisor) {
        for (String source : List.of("cacheOperationSource", "transactionAttributeSource")) {
            Internals.field(advisor, advisor.getClass(), source).ifPresent(s -> {
                Internals.clear(s, s.getClass(), "operationCache");
                Internals.clear(s, s.getClass(), "attributeCache");
            });
        }
    }
}

package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Spring MVC's request mappings follow the handler classes a batch reshaped: their mappings are
 * dropped and found again from the class as it is now (added, removed and changed
 * {@code @RequestMapping} methods), and new controllers are registered. The adapter's per-class
 * caches ({@code @InitBinder}, {@code @ModelAttribute}, {@code @ExceptionHandler}, argument
 * resolvers) forget them. Loaded only when Spring MVC is.
 */
final class Mappings {
    /** For a Spring whose mapping registry has moved its lock: mappings change as before, one by one. */
    private static final Lock NO_LOCK = new ReentrantLock();
    private final ConfigurableApplicationContext context;

    Mappings(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * A JSON converter's mapper forgets what it cached (Jackson 2's {@code getObjectMapper()},
     * Jackson 3's {@code getMapper()}; {@code clearCaches()} in both), found by name so that
     * neither Jackson is needed here: the Jackson followers see mappers made while hotswap ran,
     * this one also reaches a mapper made before it was attached.
     */
    private static void clearMapper(Object converter) {
        for (String getter : List.of("getObjectMapper", "getMapper")) {
            try {
                Object mapper = converter.getClass().getMethod(getter).invoke(converter);
                if (mapper != null) {
                    mapper.getClass().getMethod("clearCaches").invoke(mapper);
                }
                return;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // not a Jackson converter, or a Jackson without clearCaches (before 2.19): its follower does it by hand
            }
        }
    }

    /**
     * True for a mapping that found its handlers among the context's beans at start (Spring MVC's
     * own way, {@code AbstractHandlerMethodMapping.initHandlerMethods}); false for one that maps
     * only what it is given, which overrides that method (the actuator's
     * {@code ControllerEndpointHandlerMapping} refuses any handler that is not an endpoint).
     */
    static boolean scansBeans(RequestMappingHandlerMapping mapping) {
        for (Class<?> k = ClassUtils.getUserClass(mapping); k != null && k != AbstractHandlerMethodMapping.class;
             k = k.getSuperclass()) {
            for (java.lang.reflect.Method m : k.getDeclaredMethods()) {
                if (m.getName().equals("initHandlerMethods") && m.getParameterCount() == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean present(ClassLoader loader) {
        return ClassUtils.isPresent("org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping",
                loader);
    }

    /**
     * Finds the mappings of the beans named again (their classes changed, or they are new).
     *
     * @param changed the reshaped classes: their old mappings go
     * @param beans bean names whose handler methods are found again
     */
    List<Reason> refresh(Set<Class<?>> changed, Collection<String> beans) {
        List<Reason> warnings = new ArrayList<>();
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class, false, false)
                .values()) {
            if (!scansBeans(mapping)) {
                continue; // the actuator's, say: it maps what it is given, never the application's controllers
            }
            // Requests look their handler up under the registry's read lock: holding its write lock from the
            // first mapping dropped to the last found again, no request sees the controller unmapped (a 404).
            Lock lock = Internals.field(mapping, AbstractHandlerMethodMapping.class, "mappingRegistry")
                    .flatMap(registry -> Internals.field(registry, registry.getClass(), "readWriteLock"))
                    .filter(ReadWriteLock.class::isInstance).map(l -> ((ReadWriteLock) l).writeLock())
                    .orElse(NO_LOCK);
            lock.lock();
            try {
                remap(mapping, changed, beans, warnings);
            } finally {
                lock.unlock();
            }
        }
        for (RequestMappingHandlerAdapter adapter : context.getBeansOfType(RequestMappingHandlerAdapter.class, false, false)
                .values()) {
            for (Class<?> c : changed) {
                Internals.forget(adapter, RequestMappingHandlerAdapter.class, "sessionAttributesHandlerCache", c);
                Internals.forget(adapter, RequestMappingHandlerAdapter.class, "initBinderCache", c);
                Internals.forget(adapter, RequestMappingHandlerAdapter.class, "modelAttributeCache", c);
            }
            Internals.field(adapter, RequestMappingHandlerAdapter.class, "argumentResolvers").ifPresent(composite ->
                    Internals.clear(composite, composite.getClass(), "argumentResolverCache"));
            if (!changed.isEmpty()) {
                adapter.getMessageConverters().forEach(Mappings::clearMapper);
            }
        }
        for (ExceptionHandlerExceptionResolver resolver : context.getBeansOfType(ExceptionHandlerExceptionResolver.class,
                false, false).values()) {
            changed.forEach(c -> Internals.forget(resolver, ExceptionHandlerExceptionResolver.class, "exceptionHandlerCache", c));
        }
        return warnings;
    }

    /** Drops the mappings of the changed classes and finds those of {@code beans} again. */
    private void remap(RequestMappingHandlerMapping mapping, Set<Class<?>> changed, Collection<String> beans,
                       List<Reason> warnings) {
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : Map.copyOf(mapping.getHandlerMethods()).entrySet()) {
            Class<?> type = ClassUtils.getUserClass(e.getValue().getBeanType());
            if (changed.stream().anyMatch(c -> c.isAssignableFrom(type))) {
                mapping.unregisterMapping(e.getKey());
            }
        }
        for (String bean : beans) {
            Class<?> type = context.getBeanFactory().getType(bean);
            if (type == null) {
                continue;
            }
            try {
                if ((Boolean) Internals.call(mapping, RequestMappingHandlerMapping.class, "isHandler",
                        new Class<?>[] {Class.class}, ClassUtils.getUserClass(type))) {
                    Internals.call(mapping, AbstractHandlerMethodMapping.class, "detectHandlerMethods",
                            new Class<?>[] {Object.class}, bean);
                }
            } catch (Exception e) {
                warnings.add(new Reason(ClassUtils.getUserClass(type).getName(), "", "Spring MVC could not map its"
                        + " request handlers again (" + e + "): its endpoints may answer as before or 404; restart to"
                        + " have them mapped", Kind.FRAMEWORK_FAILED));
            }
        }
    }
}

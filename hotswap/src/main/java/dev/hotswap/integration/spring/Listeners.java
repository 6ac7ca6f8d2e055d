package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.classfile.Change;
import dev.hotswap.integration.Swap;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * What Spring registers once, when a bean is made, and hotswap does not register again: methods a
 * swap added with {@code @Scheduled}, {@code @EventListener} or a messaging listener annotation,
 * and WebFlux's request mappings. Each is a warning naming the member and the way to get it.
 */
final class Listeners {
    private static final Set<String> REGISTERED_AT_START = Set.of("Scheduled", "Schedules", "EventListener",
            "TransactionalEventListener", "KafkaListener", "JmsListener", "RabbitListener", "SqsListener");

    private Listeners() {
    }

    /** Methods the swap added to bean {@code name}'s class that Spring would have registered at start-up. */
    static List<Reason> notRegistered(Swap.Changed c, String name) {
        List<Reason> reasons = new ArrayList<>();
        for (Change change : c.changes()) {
            if (change.kind() != Change.Kind.METHOD_ADDED || change.member().startsWith("<")) {
                continue;
            }
            String method = change.member().substring(0, change.member().indexOf('('));
            for (Method m : c.type().getDeclaredMethods()) {
                if (!m.getName().equals(method)) {
                    continue;
                }
                for (Annotation a : m.getDeclaredAnnotations()) {
                    if (REGISTERED_AT_START.contains(a.annotationType().getSimpleName())) {
                        reasons.add(new Reason(c.type().getName(), change.member(), "@" + a.annotationType().getSimpleName()
                                + " on a method added to bean '" + name + "': Spring registers such methods when the bean is"
                                + " made, at start-up; it will not run until a restart", Kind.FRAMEWORK_NOT_FOLLOWED,
                                change.oldDescriptor(), change.newDescriptor()));
                    }
                }
            }
        }
        return reasons;
    }

    /** WebFlux handlers among the beans concerned: their mappings are not followed. */
    static List<Reason> reactive(ConfigurableApplicationContext app, Collection<Swap.Changed> changed, Collection<String> made) {
        String mapping = "org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping";
        if (!ClassUtils.isPresent(mapping, app.getClassLoader())) {
            return List.of();
        }
        List<Reason> reasons = new ArrayList<>();
        try {
            Class<?> type = ClassUtils.forName(mapping, app.getClassLoader());
            if (app.getBeanNamesForType(type, false, false).length == 0) {
                return List.of();
            }
        } catch (ClassNotFoundException | LinkageError e) {
            return List.of();
        }
        for (Swap.Changed c : changed) {
            if (isController(c.type())) {
                reasons.add(new Reason(c.type().getName(), "", "Spring WebFlux's request mappings are not followed by"
                        + " hotswap: added, removed or changed mappings of this controller are served as at start-up;"
                        + " restart to have them", Kind.FRAMEWORK_NOT_FOLLOWED));
            }
        }
        for (String name : made) {
            Class<?> type = app.getBeanFactory().getType(name);
            if (type != null && isController(type)) {
                reasons.add(new Reason(type.getName(), "", "a new WebFlux controller: hotswap does not map its handlers;"
                        + " restart to have them served", Kind.FRAMEWORK_NOT_FOLLOWED));
            }
        }
        return reasons;
    }

    private static boolean isController(Class<?> type) {
        return org.springframework.core.annotation.AnnotatedElementUtils.hasAnnotation(type,
                org.springframework.stereotype.Controller.class);
    }
}

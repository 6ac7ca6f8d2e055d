package dev.hotswap.integration;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

/**
 * Frameworks hotswap has no integration for, recognised by the annotation that hands a class to
 * them: a reshaped class they manage is a warning naming the class, what the framework will not
 * see, and the way to get it. A body edit needs no framework's help and is never warned about.
 */
final class Unfollowed {
    /** An annotation package, whose framework it is, and what that framework does not redo. */
    private record Known(String prefix, String framework, String misses) {
    }

    private static final List<Known> KNOWN = List.of(
            new Known("jakarta.persistence.", "JPA (Hibernate, EclipseLink)",
                    "read this class's mapping at start-up: added, removed or renamed persistent fields and mapping annotations are not mapped"),
            new Known("javax.persistence.", "JPA (Hibernate, EclipseLink)",
                    "read this class's mapping at start-up: added, removed or renamed persistent fields and mapping annotations are not mapped"),
            new Known("jakarta.ws.rs.", "JAX-RS (Jersey, RESTEasy)",
                    "registered this resource's methods at start-up: added, removed or changed resource methods are not served as edited"),
            new Known("io.micronaut.", "Micronaut", "compiled its own metadata for this class: new members and annotations are not seen"),
            new Known("io.quarkus.", "Quarkus", "built its own metadata for this class: new members and annotations are not seen"),
            new Known("jakarta.enterprise.", "CDI", "read this bean's injection points at start-up: new ones are not injected"),
            new Known("org.springframework.data.", "Spring Data",
                    "read this class's mapping or repository methods at start-up: new ones are not mapped"));

    private Unfollowed() {
    }

    /** The warnings for a batch: one per reshaped class that a framework without an integration manages. */
    static List<Reason> warnings(Swap swap) {
        List<Reason> reasons = new ArrayList<>();
        for (Swap.Changed c : swap.changed()) {
            Annotation[] annotations;
            try {
                annotations = c.type().getDeclaredAnnotations();
            } catch (RuntimeException | LinkageError e) {
                continue; // an annotation that cannot be read is no framework's handle on this class
            }
            for (Annotation a : annotations) {
                String name = a.annotationType().getName();
                // The class's annotations first (the JDK caches them): the versions are compared only for such a class.
                KNOWN.stream().filter(k -> name.startsWith(k.prefix())).findFirst().filter(k -> c.reshaped())
                        .ifPresent(k -> reasons.add(new Reason(c.type().getName(), "", k.framework() + " (@"
                                + a.annotationType().getSimpleName() + ") " + k.misses()
                                + "; hotswap has no integration for it: restart to have it", Kind.FRAMEWORK_NOT_FOLLOWED)));
            }
        }
        return reasons;
    }
}

package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.integration.Swap;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ResourceBundle;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.AbstractResourceBasedMessageSource;
import org.springframework.context.support.ReloadableResourceBundleMessageSource;
import org.springframework.context.support.ResourceBundleMessageSource;

/**
 * Message bundles and templates the build copied again: what Spring's message sources and the
 * template engines Spring Boot configures cached of them is forgotten, that file's only (a
 * Thymeleaf template) or the engine's whole cache where it keeps no finer one (FreeMarker, a
 * message source's bundles); the caches stay on for the rest.
 */
final class Views {
    private final ConfigurableApplicationContext context;

    Views(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Forgets what was cached of the files; returns the names of those something had cached. */
    List<String> follow(List<Swap.Resource> resources, List<Reason> warnings) {
        Set<String> followed = new LinkedHashSet<>();
        List<Object> singletons = new ArrayList<>();
        for (String name : context.getBeanFactory().getSingletonNames()) {
            Object bean = context.getBeanFactory().getSingleton(name);
            if (bean != null) {
                singletons.add(bean);
            }
        }
        for (Swap.Resource r : resources) {
            try {
                if (r.name().endsWith(".properties") && messages(singletons, r.name())) {
                    followed.add(r.name());
                }
                if (!isConfiguration(r.name()) && templates(singletons, r.name())) {
                    followed.add(r.name());
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                warnings.add(new Reason(r.name(), "", "Spring could not forget what it cached of this file ("
                        + Beans.rootCause(e) + "): pages may show it as it was; restart to be sure", Kind.FRAMEWORK_FAILED));
            }
        }
        return List.copyOf(followed);
    }

    /** The message sources whose bundles include {@code name} ({@code messages_de.properties}) forget their bundles. */
    private boolean messages(List<Object> singletons, String name) {
        String bundle = name.substring(0, name.length() - ".properties".length());
        boolean found = false;
        for (Object bean : singletons) {
            if (!(bean instanceof AbstractResourceBasedMessageSource source) || !holds(source, bundle)) {
                continue;
            }
            if (source instanceof ReloadableResourceBundleMessageSource reloadable) {
                reloadable.clearCache();
                found = true;
            } else if (source instanceof ResourceBundleMessageSource) {
                // It asks java.util.ResourceBundle, which keeps bundles per class loader too. That cache goes
                // first: a request missing the source's own cache in between would put the old bundle back.
                ResourceBundle.clearCache(context.getClassLoader());
                Internals.clear(source, ResourceBundleMessageSource.class, "cachedResourceBundles");
                Internals.clear(source, ResourceBundleMessageSource.class, "cachedBundleMessageFormats");
                found = true;
            }
        }
        return found;
    }

    private static boolean holds(AbstractResourceBasedMessageSource source, String bundle) {
        for (String basename : source.getBasenameSet()) {
            String path = basename.startsWith("classpath:") ? basename.substring("classpath:".length()) : basename;
            path = path.startsWith("/") ? path.substring(1) : path.replace('.', '/');
            if (bundle.equals(path) || bundle.startsWith(path + "_")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The template engines that cached {@code name} ({@code templates/owners/list.html}) forget it:
     * Thymeleaf that template alone (its name as views give it, below the configured prefix),
     * FreeMarker its whole cache.
     */
    private boolean templates(List<Object> singletons, String name) throws ReflectiveOperationException {
        boolean found = false;
        for (Object bean : singletons) {
            String type = bean.getClass().getName();
            if (type.startsWith("org.thymeleaf.") || hasMethod(bean, "clearTemplateCacheFor", String.class)) {
                String template = below(name, "spring.thymeleaf.prefix", "classpath:/templates/", "spring.thymeleaf.suffix",
                        ".html");
                Method clear = publicMethod(bean, "clearTemplateCacheFor", String.class);
                if (template != null && clear != null) {
                    clear.invoke(bean, template);
                    found = true;
                }
            } else if (type.startsWith("org.springframework.web.servlet.view.freemarker.")
                    && hasMethod(bean, "getConfiguration")) {
                Object configuration = publicMethod(bean, "getConfiguration").invoke(bean);
                Method clear = configuration == null ? null : publicMethod(configuration, "clearTemplateCache");
                if (clear != null) {
                    clear.invoke(configuration);
                    found = true;
                }
            }
        }
        return found;
    }

    /** The name of a template below the engine's configured prefix, without its suffix; null when it is not below it. */
    private String below(String name, String prefixKey, String prefixDefault, String suffixKey, String suffixDefault) {
        String prefix = context.getEnvironment().getProperty(prefixKey, prefixDefault);
        String suffix = context.getEnvironment().getProperty(suffixKey, suffixDefault);
        for (String scheme : List.of("classpath*:", "classpath:")) {
            if (prefix.startsWith(scheme)) {
                prefix = prefix.substring(scheme.length());
            }
        }
        prefix = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        if (!name.startsWith(prefix) || !name.endsWith(suffix) || name.length() < prefix.length() + suffix.length()) {
            return null;
        }
        return name.substring(prefix.length(), name.length() - suffix.length());
    }

    private static boolean isConfiguration(String name) {
        return name.endsWith(".properties") || name.endsWith(".yml") || name.endsWith(".yaml");
    }

    private static boolean hasMethod(Object bean, String name, Class<?>... parameters) {
        return publicMethod(bean, name, parameters) != null;
    }

    private static Method publicMethod(Object target, String name, Class<?>... parameters) {
        try {
            return target.getClass().getMethod(name, parameters);
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }
}

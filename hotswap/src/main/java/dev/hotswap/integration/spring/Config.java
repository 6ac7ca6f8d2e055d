package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.integration.Swap;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.ResourcePropertySource;
import org.springframework.util.ClassUtils;

/**
 * Configuration files the build copied again ({@code application.properties}, {@code .yml},
 * a {@code @PropertySource}): each property source of the environment that was read from one is
 * read again in its place, and the beans that read properties follow: {@code @Value} members
 * are injected again, {@code @ConfigurationProperties} beans bound again (or made anew when
 * they bind through their constructor).
 */
final class Config {
    private static final Pattern DOCUMENT = Pattern.compile("\\(document #(\\d+)\\)");

    private final ConfigurableApplicationContext context;
    private final Beans beans;

    Config(ConfigurableApplicationContext context, Beans beans) {
        this.context = context;
        this.beans = beans;
    }

    /** Reads the files again; returns the names of those the environment had read. */
    List<String> reread(List<Swap.Resource> resources, List<Reason> warnings) {
        List<String> read = new ArrayList<>();
        MutablePropertySources sources = context.getEnvironment().getPropertySources();
        for (Swap.Resource r : resources) {
            boolean found = false;
            for (PropertySource<?> source : List.copyOf(sources.stream().toList())) {
                if (!source.getName().contains("[" + r.name() + "]")) {
                    continue;
                }
                found = true;
                try {
                    PropertySource<?> fresh = load(source.getName(), r);
                    if (fresh != null) {
                        sources.replace(source.getName(), fresh);
                    }
                } catch (IOException | RuntimeException e) {
                    warnings.add(new Reason(r.name(), "", "Spring could not read it again (" + Beans.rootCause(e)
                            + "): the running app keeps its previous values; fix it and save again", Kind.FRAMEWORK_FAILED));
                }
            }
            if (found) {
                read.add(r.name());
            }
        }
        if (!read.isEmpty()) {
            follow(warnings);
        }
        return read;
    }

    /** The file as the source named {@code name} read it: its own document of a YAML file. */
    private PropertySource<?> load(String name, Swap.Resource r) throws IOException {
        FileSystemResource file = new FileSystemResource(r.file());
        ClassLoader loader = context.getClassLoader();
        boolean yaml = r.name().endsWith(".yml") || r.name().endsWith(".yaml");
        if (ClassUtils.isPresent("org.springframework.boot.env.PropertiesPropertySourceLoader", loader)) {
            List<PropertySource<?>> loaded = yaml
                    ? new org.springframework.boot.env.YamlPropertySourceLoader().load(name, file)
                    : new org.springframework.boot.env.PropertiesPropertySourceLoader().load(name, file);
            Matcher m = DOCUMENT.matcher(name);
            int document = m.find() ? Integer.parseInt(m.group(1)) - 1 : 0;
            return document < loaded.size() ? rename(loaded.get(document), name) : null;
        }
        if (yaml) {
            throw new IOException("YAML without Spring Boot is not read by hotswap");
        }
        return new ResourcePropertySource(name, file);
    }

    /** The loaded source under the name the environment knew it by. */
    private static PropertySource<?> rename(PropertySource<?> loaded, String name) {
        if (loaded.getName().equals(name)) {
            return loaded;
        }
        return new Renamed(name, loaded);
    }

    private static final class Renamed extends org.springframework.core.env.EnumerablePropertySource<PropertySource<?>> {
        Renamed(String name, PropertySource<?> loaded) {
            super(name, loaded);
        }

        @Override
        public String[] getPropertyNames() {
            return getSource() instanceof org.springframework.core.env.EnumerablePropertySource<?> e ? e.getPropertyNames()
                    : new String[0];
        }

        @Override
        public Object getProperty(String property) {
            return getSource().getProperty(property);
        }
    }

    /** The beans that read properties take the new values. */
    private void follow(List<Reason> warnings) {
        ClassLoader loader = context.getClassLoader();
        List<String> bound = new ArrayList<>();
        if (ClassUtils.isPresent("org.springframework.boot.context.properties.ConfigurationPropertiesBean", loader)) {
            bound.addAll(Boot.rebind(context, beans, warnings));
        }
        for (String name : context.getBeanFactory().getSingletonNames()) {
            Object bean = context.getBeanFactory().getSingleton(name);
            if (bean == null || bound.contains(name) || !readsValues(Beans.userClass(bean))) {
                continue;
            }
            try {
                beans.forget(name, Beans.userClass(bean));
                beans.inject(name);
            } catch (Exception | LinkageError e) {
                warnings.add(new Reason(Beans.userClass(bean).getName(), "", "Spring could not inject bean '" + name
                        + "' again (" + Beans.rootCause(e) + "): its @Value members keep their previous values",
                        Kind.FRAMEWORK_FAILED));
            }
        }
    }

    private static boolean readsValues(Class<?> type) {
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            if (k.getName().startsWith("org.springframework.")) {
                return false; // Spring's own beans read their settings once, at start-up, as they were written to
            }
            for (Field f : k.getDeclaredFields()) {
                if (AnnotatedElementUtils.hasAnnotation(f, Value.class)) {
                    return true;
                }
            }
            for (Method m : k.getDeclaredMethods()) {
                if (AnnotatedElementUtils.hasAnnotation(m, Value.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Spring Boot's {@code @ConfigurationProperties}, loaded only when Boot is. */
    static final class Boot {
        private Boot() {
        }

        static List<String> rebind(ConfigurableApplicationContext context, Beans beans, List<Reason> warnings) {
            List<String> names = new ArrayList<>();
            var binder = context.getBeanFactory().getBean(
                    org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor.BEAN_NAME,
                    org.springframework.boot.context.properties.ConfigurationPropertiesBindingPostProcessor.class);
            for (var bean : org.springframework.boot.context.properties.ConfigurationPropertiesBean.getAll(context).values()) {
                String name = bean.getName();
                if (!context.getBeanFactory().containsSingleton(name)) {
                    continue;
                }
                names.add(name);
                try {
                    if (bean.asBindTarget().getBindMethod()
                            == org.springframework.boot.context.properties.bind.BindMethod.VALUE_OBJECT) {
                        beans.remake(name);
                        warnings.add(new Reason(bean.getInstance().getClass().getName(), "", "@ConfigurationProperties bean '"
                                + name + "' binds through its constructor: it was made anew with the new values",
                                Kind.BEAN_RECREATED));
                    } else {
                        binder.postProcessBeforeInitialization(bean.getInstance(), name);
                    }
                } catch (Exception | LinkageError e) {
                    warnings.add(new Reason(bean.getInstance().getClass().getName(), "", "Spring Boot could not bind '"
                            + name + "' again (" + Beans.rootCause(e) + "): it keeps its previous values",
                            Kind.FRAMEWORK_FAILED));
                }
            }
            return names;
        }
    }
}

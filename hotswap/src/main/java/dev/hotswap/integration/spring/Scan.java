package dev.hotswap.integration.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.ConfigurationClassPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * New classes a batch brought that nothing has loaded: those that the context's component scan
 * would have found at start-up ({@code @Component} and its kin, in a package under one of its
 * {@code @ComponentScan}s) are registered as it would have registered them, read from their class
 * files; a new configuration class's {@code @Bean} methods and imports are processed.
 */
final class Scan {
    private final ConfigurableApplicationContext context;
    private final DefaultListableBeanFactory factory;

    Scan(ConfigurableApplicationContext context, DefaultListableBeanFactory factory) {
        this.context = context;
        this.factory = factory;
    }

    /** Bean names registered for {@code fresh} (binary class names); {@code taken} gets the classes taken in. */
    List<String> register(Collection<String> fresh, Set<String> taken) throws Exception {
        Set<String> bases = basePackages();
        Map<String, List<String>> byPackage = new LinkedHashMap<>();
        for (String name : fresh) {
            String pkg = ClassUtils.getPackageName(name);
            if (bases.stream().anyMatch(b -> b.isEmpty() || pkg.equals(b) || pkg.startsWith(b + "."))) {
                byPackage.computeIfAbsent(pkg, p -> new ArrayList<>()).add(name);
            }
        }
        if (byPackage.isEmpty()) {
            return List.of();
        }
        Set<String> before = new LinkedHashSet<>(List.of(factory.getBeanDefinitionNames()));
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(true,
                context.getEnvironment());
        scanner.setResourceLoader(context);
        for (Map.Entry<String, List<String>> e : byPackage.entrySet()) {
            for (BeanDefinition d : scanner.findCandidateComponents(e.getKey())) {
                if (!e.getValue().contains(d.getBeanClassName())) {
                    continue;
                }
                if (d instanceof AnnotatedBeanDefinition annotated) {
                    AnnotationConfigUtils.processCommonDefinitionAnnotations(annotated);
                }
                String name = AnnotationBeanNameGenerator.INSTANCE.generateBeanName(d, factory);
                if (!factory.containsBeanDefinition(name)) {
                    factory.registerBeanDefinition(name, d);
                    taken.add(d.getBeanClassName());
                }
            }
        }
        if (!taken.isEmpty()) {
            // A new configuration's @Bean methods, @Import and nested scans, as at start-up (those done are skipped).
            for (ConfigurationClassPostProcessor p : factory.getBeansOfType(ConfigurationClassPostProcessor.class, false, false)
                    .values()) {
                p.processConfigBeanDefinitions(factory);
            }
        }
        List<String> added = new ArrayList<>();
        for (String name : factory.getBeanDefinitionNames()) {
            if (!before.contains(name)) {
                added.add(name);
            }
        }
        return added;
    }

    /** The packages the context's {@code @ComponentScan}s cover (the annotated class's own when none is named). */
    private Set<String> basePackages() {
        Set<String> bases = new LinkedHashSet<>();
        for (String name : factory.getBeanDefinitionNames()) {
            Class<?> type;
            try {
                type = factory.getType(name, false);
            } catch (RuntimeException e) {
                continue;
            }
            if (type == null) {
                continue;
            }
            Class<?> user = ClassUtils.getUserClass(type);
            for (ComponentScan scan : AnnotatedElementUtils.findMergedRepeatableAnnotations(user, ComponentScan.class)) {
                int found = bases.size();
                bases.addAll(List.of(scan.basePackages()));
                for (Class<?> c : scan.basePackageClasses()) {
                    bases.add(c.getPackageName());
                }
                if (bases.size() == found && scan.basePackages().length == 0 && scan.basePackageClasses().length == 0) {
                    bases.add(user.getPackageName());
                }
            }
        }
        return bases;
    }
}

package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.integration.Swap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Spring Data repositories whose interface a batch reshaped (a query method added, removed or
 * changed: a derived query, an {@code @Query}): Spring Data read the interface's methods into the
 * repository when it made it, so the repository is made anew by its factory bean and every bean
 * that held the old one holds the new one. Repositories keep no state of their own. Reached by
 * name: Spring Data is not on hotswap's class path.
 */
final class Repositories {
    private static final String DATA = "org.springframework.data.repository.";
    private static final String FACTORY = DATA + "core.support.RepositoryFactoryBeanSupport";

    private Repositories() {
    }

    static void remake(Beans beans, DefaultListableBeanFactory factory, List<Swap.Changed> reshaped, List<Reason> warnings,
                       List<String> notes) {
        for (Swap.Changed c : reshaped) {
            if (!c.type().isInterface()) {
                continue;
            }
            for (String name : of(factory, c.type())) {
                try {
                    int moved = beans.remake(name);
                    notes.add("repository '" + name + "' (" + c.type().getName() + ") made anew by Spring Data for its changed"
                            + " methods" + (moved > 0 ? "; " + moved + " reference(s) to it now hold the new one" : ""));
                } catch (Exception | LinkageError x) {
                    warnings.add(new Reason(c.type().getName(), "", "Spring Data could not make repository '" + name
                            + "' anew (" + Beans.rootCause(x) + "): it answers as before the edit; fix it and recompile, or"
                            + " restart", Kind.FRAMEWORK_FAILED));
                }
            }
        }
    }

    /** The repositories made so far whose interface is, or extends, {@code type}. */
    static List<String> of(DefaultListableBeanFactory factory, Class<?> type) {
        List<String> names = new ArrayList<>();
        for (String name : factory.getSingletonNames()) {
            Object bean = factory.getSingleton(name);
            if (bean instanceof FactoryBean<?> made && isRepositoryFactory(bean.getClass())) {
                Class<?> product = made.getObjectType();
                if (product != null && type.isAssignableFrom(product)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /**
     * After JPA mapped its classes again ({@link Jpa}): Spring Data's mapping context and every repository made anew from the new metamodel; new repository
     * interfaces registered as Spring Data registers one (from an existing JPA repository's definition).
     */
    static void afterMapping(Beans beans, DefaultListableBeanFactory factory, boolean rebuilt, List<Class<?>> repositories,
                             List<Reason> warnings, Set<String> taken, List<String> notes) {
        ClassLoader loader = beans.context().getClassLoader();
        Class<?> support = ClassUtils.resolveClassName(DATA + "core.support.RepositoryFactoryBeanSupport", loader);
        List<String> existing = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        for (String name : factory.getBeanDefinitionNames()) {
            String type = factory.getBeanDefinition(name).getBeanClassName();
            Class<?> k = type == null || !ClassUtils.isPresent(type, loader) ? null : ClassUtils.resolveClassName(type, loader);
            if (k != null && support.isAssignableFrom(k)) {
                existing.add(name);
            } else if (type != null && type.startsWith("org.springframework.data.jpa.repository.config.JpaMetamodelMappingContext")) {
                contexts.add(name);
            }
        }
        int remade = 0;
        if (rebuilt) {
            try {
                ClassUtils.forName("org.springframework.data.jpa.util.JpaMetamodel", loader).getMethod("clear").invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                // an older Spring Data keeps its metamodel cache: entries of the old metamodel stay unused
            }
            // Spring Data's type information, each read once per class and kept in static caches (4.x in data.core, 3.x in data.util).
            for (String holder : List.of("core.TypeDiscoverer", "core.ClassTypeInformation", "util.TypeDiscoverer",
                    "util.ClassTypeInformation")) {
                if (ClassUtils.isPresent("org.springframework.data." + holder, loader)) {
                    Class<?> k = ClassUtils.resolveClassName("org.springframework.data." + holder, loader);
                    for (String cache : List.of("CACHE", "cache", "resolvableTypeCache")) {
                        Internals.field(null, k, cache).ifPresent(c -> {
                            if (c instanceof org.springframework.util.ConcurrentLruCache<?, ?> lru) {
                                lru.clear();
                            } else if (c instanceof Map<?, ?> map) {
                                map.clear();
                            }
                        });
                    }
                }
            }
            List<String> all = new ArrayList<>(contexts);
            all.addAll(existing);
            for (String name : all) {
                if (!factory.containsSingleton(name)) {
                    continue;
                }
                try {
                    Object old = factory.getBean(name); // the product (a repository proxy): what holders have
                    beans.moveReferences(old, beans.makeAgain(name));
                    remade++;
                } catch (Exception | LinkageError x) {
                    warnings.add(new Reason(String.valueOf(factory.getBeanDefinition(name).getBeanClassName()), "",
                            "Spring Data could not make '" + name + "' anew for the new mapping (" + Beans.rootCause(x)
                            + "): it still holds the old metamodel; restart to be sure", Kind.FRAMEWORK_FAILED));
                }
            }
        }
        String template = existing.stream().filter(n -> String.valueOf(factory.getBeanDefinition(n).getBeanClassName())
                .contains(".jpa.")).findFirst().orElse(null);
        List<String> made = new ArrayList<>();
        for (Class<?> repository : repositories) {
            if (template == null) {
                continue; // no JPA repository to register it as: the generic warning stands
            }
            String name = StringUtils.uncapitalizeAsProperty(ClassUtils.getShortName(repository));
            if (factory.containsBeanDefinition(name)) {
                continue;
            }
            RootBeanDefinition d = factory.getMergedBeanDefinition(template) instanceof RootBeanDefinition r
                    ? r.cloneBeanDefinition() : null;
            if (d == null) {
                continue;
            }
            d.getConstructorArgumentValues().clear();
            d.getConstructorArgumentValues().addIndexedArgumentValue(0, repository.getName());
            d.getPropertyValues().removePropertyValue("repositoryFragments"); // the template's own custom parts
            d.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, repository);
            ResolvableType generics = ResolvableType.forClass(repository).as(ClassUtils.resolveClassName(DATA + "Repository", loader));
            Class<?> factoryBean = d.getBeanClass();
            d.setTargetType(factoryBean.getTypeParameters().length == 3 ? ResolvableType.forClassWithGenerics(factoryBean,
                    ResolvableType.forClass(repository), generics.getGeneric(0), generics.getGeneric(1)) : null);
            d.setResourceDescription("registered by hotswap for a new repository interface");
            factory.registerBeanDefinition(name, d);
            made.add(name);
            taken.add(repository.getName());
        }
        warnings.addAll(beans.make(made));
        if (remade > 0 || !made.isEmpty()) {
            notes.add("Spring Data: " + remade + " bean(s) made anew from the new JPA metamodel" + (made.isEmpty() ? ""
                    : "; new repositories " + made));
        }
    }

    private static boolean isRepositoryFactory(Class<?> type) {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            if (k.getName().equals(FACTORY)) {
                return true;
            }
        }
        return false;
    }
}

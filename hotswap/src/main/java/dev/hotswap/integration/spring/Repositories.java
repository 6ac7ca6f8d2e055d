package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.integration.Swap;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * Spring Data repositories whose interface a batch reshaped (a query method added, removed or
 * changed: a derived query, an {@code @Query}): Spring Data read the interface's methods into the
 * repository when it made it, so the repository is made anew by its factory bean and every bean
 * that held the old one holds the new one. Repositories keep no state of their own. Reached by
 * name: Spring Data is not on hotswap's class path.
 */
final class Repositories {
    private static final String FACTORY = "org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport";

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

    private static boolean isRepositoryFactory(Class<?> type) {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            if (k.getName().equals(FACTORY)) {
                return true;
            }
        }
        return false;
    }
}

package dev.hotswap.integration.spring;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import dev.hotswap.integration.Swap;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.orm.jpa.AbstractEntityManagerFactoryBean;
import org.springframework.orm.jpa.JpaVendorAdapter;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.util.ClassUtils;

/**
 * JPA with Hibernate under Spring ({@code LocalContainerEntityManagerFactoryBean}, as Spring Boot
 * makes it). When a batch reshapes a class mapped by a persistence unit ({@code @Entity},
 * {@code @Embeddable}, {@code @MappedSuperclass}) or brings a new one, the unit is built again
 * inside the existing factory bean: Hibernate maps the classes as they are now, with the bean's own
 * settings, data source and vendor adapter; the bean's proxy, which every holder has, delegates to
 * the new native factory; the old one is closed 30 s later, once requests in flight on it are done.
 * The schema is never dropped: a unit that creates or updates its schema is built again with
 * {@code update}, of which only what adds runs (new tables and columns; {@link SchemaAdditions});
 * so is one on an in-memory database with no schema action (its {@code schema.sql} makes the schema
 * anew at each start); one that validates or leaves the schema alone is built without touching it, and a warning names
 * what the database lacks. Spring Data's mapping context and repositories, made from the old
 * metamodel, are made anew and every bean holding them gets the new ones; a new repository
 * interface is registered as Spring Data registers one. If the unit cannot be built again, the old
 * factory stays in place and one warning says why. Other providers (EclipseLink) are left alone.
 * JPA and Hibernate are reached by reflection: neither is on hotswap's compile path.
 */
final class Jpa {
    private static final Set<String> MAPPING = Set.of("jakarta.persistence.Entity", "jakarta.persistence.Embeddable",
            "jakarta.persistence.MappedSuperclass");
    private static final Set<String> OWNS_SCHEMA = Set.of("create", "create-drop", "drop-and-create", "create-only", "update");
    private static final String ACTION = "hibernate.hbm2ddl.auto";
    private static final List<String> OTHER_ACTIONS = List.of("jakarta.persistence.schema-generation.database.action",
            "javax.persistence.schema-generation.database.action", "jakarta.persistence.schema-generation.scripts.action",
            "javax.persistence.schema-generation.scripts.action");
    private static final String DATA = "org.springframework.data.repository.";
    /** How long a replaced factory stays open for the sessions still using it. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final DefaultListableBeanFactory factory;
    private final Beans beans;
    private final ClassLoader loader;

    Jpa(DefaultListableBeanFactory factory, Beans beans) {
        this.factory = factory;
        this.beans = beans;
        this.loader = beans.context().getClassLoader();
    }

    /** Whether Spring's JPA support is there to follow; if not, nothing here is loaded. */
    static boolean present(ClassLoader loader) {
        return ClassUtils.isPresent("org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean", loader);
    }

    /**
     * Follows a batch: the units mapping a reshaped or new class are built again, then Spring
     * Data's repositories. {@code taken} gets the classes followed (their generic "restart" warning goes).
     */
    void follow(List<Swap.Changed> reshaped, List<String> fresh, List<Reason> warnings, Set<String> taken, List<String> notes) {
        List<Class<?>> changed = reshaped.stream().<Class<?>>map(Swap.Changed::type).filter(Jpa::mapped).toList();
        List<Class<?>> added = new ArrayList<>();
        List<Class<?>> repositories = new ArrayList<>();
        for (String name : fresh) {
            String bytes = classFile(name);
            if (!bytes.contains("jakarta/persistence/") && !bytes.contains("springframework/data/")) {
                continue; // not loaded for nothing
            }
            try {
                Class<?> type = ClassUtils.forName(name, loader);
                if (mapped(type)) {
                    added.add(type);
                } else if (type.isInterface() && ClassUtils.isPresent(DATA + "Repository", loader)
                        && ClassUtils.forName(DATA + "Repository", loader).isAssignableFrom(type)
                        && factory.getBeanNamesForType(type, true, false).length == 0
                        && Arrays.stream(type.getAnnotations()).noneMatch(a -> a.annotationType().getSimpleName().equals("NoRepositoryBean"))) {
                    repositories.add(type);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // not loadable now: no framework can take it in; the class's own load will say why
            }
        }
        if (changed.isEmpty() && added.isEmpty() && repositories.isEmpty()) {
            return;
        }
        Map<String, LocalContainerEntityManagerFactoryBean> units = factory.getBeansOfType(
                LocalContainerEntityManagerFactoryBean.class, false, false);
        boolean rebuilt = false;
        for (LocalContainerEntityManagerFactoryBean unit : units.values()) {
            Object info = Internals.field(unit, LocalContainerEntityManagerFactoryBean.class, "persistenceUnitInfo").orElse(null);
            Object running = Internals.field(unit, AbstractEntityManagerFactoryBean.class, "nativeEntityManagerFactory").orElse(null);
            if (info == null || running == null || !running.getClass().getName().startsWith("org.hibernate.")) {
                continue; // not built yet, or not Hibernate: the generic warning stands
            }
            List<String> names;
            try {
                names = managedClassNames(info);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            List<Class<?>> ours = new ArrayList<>(changed.stream().filter(t -> names.contains(t.getName())).toList());
            added.stream().filter(t -> units.size() == 1 || names.stream().anyMatch(n -> ClassUtils.getPackageName(n)
                    .equals(t.getPackageName()))).forEach(ours::add);
            if (ours.isEmpty()) {
                continue;
            }
            List<String> entities = ours.stream().map(Class::getName).toList();
            try {
                notes.add(rebuild(unit, info, running, names, ours, warnings) + " for " + String.join(", ", entities));
                taken.addAll(entities);
                rebuilt = true;
            } catch (Exception | LinkageError x) {
                warnings.add(new Reason(entities.get(0), "", "JPA could not map " + (entities.size() > 1 ? "the edited entities "
                        + entities : "this entity") + " again: Hibernate failed to build persistence unit '"
                        + unit.getPersistenceUnitName() + "' (" + Beans.rootCause(x) + "); it still maps them as before;"
                        + " restart to have the new mapping", Kind.FRAMEWORK_FAILED));
            }
        }
        if ((rebuilt || !repositories.isEmpty()) && ClassUtils.isPresent(DATA + "core.support.RepositoryFactoryBeanSupport", loader)) {
            Repositories.afterMapping(beans, factory, rebuilt, repositories, warnings, taken, notes);
        }
    }

    /**
     * Builds the unit again as Spring built it ({@code createNativeEntityManagerFactory}: the
     * provider, the unit's info, the bean's JPA properties, then the bean's and the vendor
     * adapter's post-processing), with a schema action that drops nothing, and puts the new
     * native factory in the bean. Nothing changes if the build fails.
     */
    private String rebuild(LocalContainerEntityManagerFactoryBean unit, Object info, Object running, List<String> names,
                           List<Class<?>> classes, List<Reason> warnings) throws Exception {
        List<String> newNames = classes.stream().map(Class::getName).filter(n -> !names.contains(n)).distinct().toList();
        names.addAll(newNames); // the unit's own list: Spring's managed types with the new classes
        Map<String, Object> settings = new HashMap<>(unit.getJpaPropertyMap());
        String configured = String.valueOf(OTHER_ACTIONS.stream().limit(2).map(settings::get).filter(v -> v != null)
                .findFirst().orElse(settings.getOrDefault(ACTION, "none"))).trim().toLowerCase(java.util.Locale.ROOT);
        // An in-memory database with no schema action (its schema.sql ran at start, and runs again at the next):
        // what the new mapping adds is added, as the edited schema.sql would have it; nothing else changes.
        boolean inMemory = configured.equals("none") && inMemory(unit.getDataSource());
        boolean owns = OWNS_SCHEMA.contains(configured) || inMemory;
        Object fresh;
        List<String> left = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        try {
            if (owns) {
                fresh = build(unit, info, settings, "update", left, ran);
            } else {
                try {
                    fresh = build(unit, info, settings, "validate", left, ran);
                } catch (Exception x) {
                    String lacks = schemaProblem(x);
                    if (lacks == null) {
                        throw x;
                    }
                    warnings.add(new Reason(classes.get(0).getName(), "", "the database lacks what the new mapping needs: "
                            + lacks + " (schema action '" + configured + "': hotswap changes no schema then); until then"
                            + " Hibernate's statements that need it fail", Kind.FRAMEWORK_NOT_FOLLOWED));
                    fresh = build(unit, info, settings, "none", left, ran);
                }
            }
        } catch (Exception | LinkageError x) {
            names.removeAll(newNames);
            throw x;
        }
        Field delegate = AbstractEntityManagerFactoryBean.class.getDeclaredField("nativeEntityManagerFactory");
        delegate.setAccessible(true);
        delegate.set(unit, fresh);
        // Closing the old factory would run its create-drop: that drop is the new factory's to run, at shutdown.
        boolean disarmed = moveDelayedDrop(running, fresh);
        if (disarmed || !configured.equals("create-drop")) {
            // A closed Hibernate factory fails every session still open on it: requests in flight finish first.
            CompletableFuture.delayedExecutor(GRACE.toMillis(), TimeUnit.MILLISECONDS, Jpa::onOwnThread).execute(() -> {
                try {
                    jpa("jakarta.persistence.EntityManagerFactory", "close", running);
                } catch (Exception | LinkageError e) {
                    // the new factory serves; the old one's resources go with the garbage collector
                }
            });
        }
        String additions = (ran.isEmpty() ? "nothing to add" : "added: " + String.join("; ", ran))
                + (left.isEmpty() ? ", nothing dropped" : "; existing columns and keys left as they are, not run: " + shortList(left));
        return "JPA persistence unit '" + unit.getPersistenceUnitName() + "' built again by Hibernate" + (!owns
                ? " (schema untouched)" : inMemory ? " (in-memory database, schema action 'none': added to it as the mapping"
                + " needs; " + additions + "; the next start makes its schema from schema.sql)"
                : " (schema updated: " + additions + ")");
    }

    /** Up to three statements, and how many more: what an edit did not cause (a schema.sql's own types) is not repeated at length. */
    private static String shortList(List<String> statements) {
        return String.join("; ", statements.subList(0, Math.min(3, statements.size())))
                + (statements.size() > 3 ? " and " + (statements.size() - 3) + " more" : "");
    }

    private static void onOwnThread(Runnable task) {
        Thread thread = new Thread(task, "hotswap-jpa-close");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether {@code dataSource} is an in-memory database (H2, HSQLDB, Derby), whose schema lives as long as the program. */
    private static boolean inMemory(javax.sql.DataSource dataSource) {
        if (dataSource == null) {
            return false;
        }
        try (java.sql.Connection connection = dataSource.getConnection()) {
            String url = String.valueOf(connection.getMetaData().getURL()).toLowerCase(java.util.Locale.ROOT);
            return url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:hsqldb:mem:") || url.startsWith("jdbc:derby:memory:");
        } catch (java.sql.SQLException | RuntimeException e) {
            return false; // cannot tell: the schema is left alone, as configured
        }
    }

    /**
     * A native factory for the unit with {@code action} as schema action; an update only adds
     * ({@link SchemaAdditions}): what it ran goes into {@code ran}, what it left out into {@code left}.
     */
    private Object build(LocalContainerEntityManagerFactoryBean unit, Object info, Map<String, Object> settings,
                         String action, List<String> left, List<String> ran) throws Exception {
        Map<String, Object> map = new HashMap<>(settings);
        OTHER_ACTIONS.forEach(map::remove);
        map.put(ACTION, action);
        Object provider = Internals.call(unit, AbstractEntityManagerFactoryBean.class, "getPersistenceProvider",
                new Class<?>[0]);
        if (provider == null) {
            String name = (String) jpa("jakarta.persistence.spi.PersistenceUnitInfo", "getPersistenceProviderClassName", info);
            provider = BeanUtils.instantiateClass(ClassUtils.forName(name, unit.getBeanClassLoader()));
        }
        Optional<SchemaAdditions> additions = action.equals("update")
                ? SchemaAdditions.install(map, unit.getDataSource(), provider.getClass().getClassLoader()) : Optional.empty();
        Object emf = jpa("jakarta.persistence.spi.PersistenceProvider", "createContainerEntityManagerFactory", provider, info, map);
        additions.ifPresent(a -> {
            left.addAll(a.left());
            ran.addAll(a.ran());
        });
        try {
            Class<?> emfType = api("jakarta.persistence.EntityManagerFactory");
            Internals.call(unit, LocalContainerEntityManagerFactoryBean.class, "postProcessEntityManagerFactory",
                    new Class<?>[] {emfType, api("jakarta.persistence.spi.PersistenceUnitInfo")}, emf, info);
            JpaVendorAdapter adapter = unit.getJpaVendorAdapter();
            if (adapter != null) {
                JpaVendorAdapter.class.getMethod("postProcessEntityManagerFactory", emfType).invoke(adapter, emf);
            }
        } catch (Exception | LinkageError e) {
            jpa("jakarta.persistence.EntityManagerFactory", "close", emf);
            throw e;
        }
        return emf;
    }

    /**
     * Moves the old factory's drop-on-close (create-drop) to the new one. True when the old
     * factory's observers were found, so closing it drops nothing.
     */
    private static boolean moveDelayedDrop(Object old, Object fresh) {
        Object action = null;
        boolean found = false;
        for (Object observer : observers(old)) {
            found = true;
            if (observer.getClass().getName().endsWith("SessionFactoryObserverForSchemaExport")) {
                action = Internals.field(observer, observer.getClass(), "delayedDropAction").orElse(null);
                found &= set(observer, "delayedDropAction", null);
            }
        }
        if (action != null) {
            for (Object observer : observers(fresh)) {
                if (observer.getClass().getName().endsWith("SessionFactoryObserverForSchemaExport")) {
                    set(observer, "delayedDropAction", action);
                }
            }
        }
        return found;
    }

    /** A Hibernate session factory's observers ({@code observer} in 6, {@code observerChain} in 7). */
    private static List<?> observers(Object sessionFactory) {
        for (String name : List.of("observerChain", "observer")) {
            Object chain = Internals.field(sessionFactory, sessionFactory.getClass(), name).orElse(null);
            if (chain != null && Internals.field(chain, chain.getClass(), "observers").orElse(null) instanceof List<?> list) {
                return list;
            }
        }
        return List.of();
    }

    private static boolean set(Object target, String name, Object value) {
        try {
            Field f = target.getClass().getDeclaredField(name);
            f.setAccessible(true);
            f.set(target, value);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** What Hibernate's schema validation found missing, or null when the failure is not about the schema. */
    private static String schemaProblem(Throwable x) {
        for (Throwable c = x; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getClass().getName().endsWith("SchemaManagementException")) {
                String m = String.valueOf(c.getMessage());
                return m.replaceFirst(".*missing column \\[([^\\]]+)] in table \\[([^\\]]+)].*", "add column $1 to table $2")
                        .replaceFirst(".*missing table \\[([^\\]]+)].*", "add table $1");
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private List<String> managedClassNames(Object info) throws ReflectiveOperationException {
        return (List<String>) jpa("jakarta.persistence.spi.PersistenceUnitInfo", "getManagedClassNames", info);
    }

    /** Calls a method of a JPA interface (by name: JPA is not on hotswap's compile path). */
    private Object jpa(String type, String method, Object target, Object... args) throws ReflectiveOperationException {
        for (Method m : api(type).getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(target, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw e;
                }
            }
        }
        throw new NoSuchMethodException(type + "." + method);
    }

    private Class<?> api(String type) throws ClassNotFoundException {
        return ClassUtils.forName(type, LocalContainerEntityManagerFactoryBean.class.getClassLoader());
    }

    private static boolean mapped(Class<?> type) {
        try {
            return Arrays.stream(type.getDeclaredAnnotations()).anyMatch(a -> MAPPING.contains(a.annotationType().getName()));
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** A class file's bytes as Latin-1 text (names in its constant pool can be searched), or empty. */
    private String classFile(String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}

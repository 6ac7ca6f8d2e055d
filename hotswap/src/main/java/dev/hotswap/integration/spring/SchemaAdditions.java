package dev.hotswap.integration.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The schema change a persistence unit built again by hotswap may make: only additions. Hibernate's
 * {@code update} also retypes existing columns from version 7 on (a {@code @Size} or a
 * {@code @Column(length)} edited): on H2 that copies the table, so requests in flight find no table,
 * and rows that no longer fit make it fail. Hibernate's update statements go through here instead of
 * its own database target (its schema tool's custom target, set through
 * {@code hibernate.schema_management_tool}), on the unit's data source: what creates (tables,
 * sequences, indexes) or adds ({@code alter table … add …}: columns, keys) runs; what alters or drops
 * an existing column, key or table is left out and named.
 */
final class SchemaAdditions implements InvocationHandler {
    static final String TOOL = "hibernate.schema_management_tool";
    private static final Pattern ALTER = Pattern.compile(
            "(?is)\\s*alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:\"[^\"]*\"|`[^`]*`|\\[[^]]*]|\\S+)\\s+(\\w+)\\b.*");
    private static final Pattern DROP = Pattern.compile("(?is)\\s*drop\\b.*");

    private final DataSource dataSource;
    private final Class<?> acceptanceFailure;
    private final List<String> left = new ArrayList<>();
    private final List<String> ran = new ArrayList<>();
    private Connection connection;

    private SchemaAdditions(DataSource dataSource, Class<?> acceptanceFailure) {
        this.dataSource = dataSource;
        this.acceptanceFailure = acceptanceFailure;
    }

    /**
     * Puts a Hibernate schema tool that sends its statements here into {@code settings}. Empty, and
     * the settings untouched, when the unit names a tool of its own, has no data source, or this
     * Hibernate has moved what is reached here.
     */
    static Optional<SchemaAdditions> install(Map<String, Object> settings, DataSource dataSource, ClassLoader hibernate) {
        if (settings.get(TOOL) != null || dataSource == null) {
            return Optional.empty();
        }
        try {
            Class<?> toolType = Class.forName("org.hibernate.tool.schema.internal.HibernateSchemaManagementTool", true, hibernate);
            Method setTarget = null;
            for (Method m : toolType.getMethods()) {
                if (m.getName().equals("setCustomDatabaseGenerationTarget") && m.getParameterCount() == 1) {
                    setTarget = m;
                }
            }
            if (setTarget == null) {
                return Optional.empty();
            }
            SchemaAdditions additions = new SchemaAdditions(dataSource,
                    Class.forName("org.hibernate.tool.schema.spi.CommandAcceptanceException", true, hibernate));
            Class<?> targetType = setTarget.getParameterTypes()[0]; // moved from internal.exec to spi in Hibernate 7
            Object target = Proxy.newProxyInstance(hibernate, new Class<?>[] {targetType}, additions);
            Object tool = toolType.getConstructor().newInstance();
            setTarget.invoke(tool, target);
            settings.put(TOOL, tool);
            return Optional.of(additions);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a statement of Hibernate's update only creates or adds. */
    static boolean adds(String sql) {
        Matcher alter = ALTER.matcher(sql);
        if (alter.matches()) {
            return alter.group(1).toLowerCase(Locale.ROOT).equals("add");
        }
        return !DROP.matcher(sql).matches();
    }

    /** The statements run, as Hibernate wrote them. */
    List<String> ran() {
        synchronized (left) {
            return List.copyOf(ran);
        }
    }

    /** The statements left out, as Hibernate wrote them. */
    List<String> left() {
        synchronized (left) {
            return List.copyOf(left);
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "prepare" -> open();
            case "accept" -> accept((String) args[0]);
            case "release" -> {
                if (connection != null) {
                    connection.close();
                    connection = null;
                }
            }
            case "beforeScript" -> {
                // no script: statements come one by one
            }
            case "equals" -> {
                return proxy == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "toString" -> {
                return "hotswap's additions-only schema target";
            }
            default -> throw new UnsupportedOperationException(method.getName());
        }
        return null;
    }

    private void open() throws SQLException {
        connection = dataSource.getConnection();
        if (!connection.getAutoCommit()) {
            connection.setAutoCommit(true); // as Hibernate's own target runs DDL; the pool resets it on return
        }
    }

    private void accept(String sql) throws Exception {
        if (!adds(sql)) {
            synchronized (left) {
                left.add(sql.strip());
            }
            return;
        }
        if (connection == null) {
            open();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            synchronized (left) {
                ran.add(sql.strip());
            }
        } catch (SQLException e) {
            // as Hibernate's own target reports it: its exception handler logs it and goes on
            throw (Exception) acceptanceFailure.getConstructor(String.class, Throwable.class)
                    .newInstance("Error executing DDL \"" + sql + "\" via JDBC [" + e.getMessage() + "]", e);
        }
    }
}

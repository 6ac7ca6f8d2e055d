package dev.hotswap.cli;

import dev.hotswap.HotswapMXBean;
import dev.hotswap.classfile.Sha256;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.management.InstanceNotFoundException;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code push}, {@code status}, {@code history} and {@code rollback}: the hotswap sessions of other
 * JVMs over JMX. A target is a pid (a local JVM, reached through the attach API, which starts its
 * local management agent) or {@code host:port} of a JVM's JMX agent, with a user and a password
 * file where the agent asks for them. Targets are independent: each gets its batch whole or not at
 * all, and each answers on a line of its own.
 */
final class Fleet {
    /** How to log in to a target's JMX agent. */
    record Login(Optional<String> user, Optional<Path> passwordFile, boolean ssl) {
    }

    private final Login login;
    private final PrintStream out;

    Fleet(Login login, PrintStream out) {
        this.login = login;
        this.out = out;
    }

    /** A target's answer, one line, and whether it counts as done (reloaded, or nothing to do). */
    private record Answer(String line, boolean ok) {
    }

    /** Pushes the class files of {@code dir} that differ from what each target runs; 0 when every target took them. */
    int push(List<String> targets, Path dir) throws IOException {
        Map<String, byte[]> classes = classFiles(dir);
        if (classes.isEmpty()) {
            out.println("hotswap: no class files in " + dir);
            return 2;
        }
        return each(targets, bean -> {
            Map<String, String> running = bean.classHashes();
            Map<String, byte[]> differ = new TreeMap<>();
            classes.forEach((name, bytes) -> {
                if (!Sha256.of(bytes).equals(running.get(name))) {
                    differ.put(name, bytes);
                }
            });
            if (differ.isEmpty()) {
                return new Answer("nothing to do: it runs every class of " + dir + " as it is", true);
            }
            return answer(bean.reload(differ));
        });
    }

    int rollback(List<String> targets) {
        return each(targets, bean -> answer(bean.rollback()));
    }

    int status(String target) {
        return each(List.of(target), bean -> new Answer((bean.isActive() ? "active" : "inactive") + "; watching "
                + String.join(", ", bean.getWatchedFolders()) + "; batches reloaded " + bean.getReloadedBatches()
                + ", refused " + bean.getRefusedBatches() + ", failed " + bean.getFailedBatches() + "; " + bean.getEngine(), true));
    }

    int history(String target) {
        return each(List.of(target), bean -> {
            StringBuilder lines = new StringBuilder(bean.history().isEmpty() ? "no batch yet" : "the last batches, oldest first:");
            for (HotswapMXBean.Batch b : bean.history()) {
                lines.append("\n  ").append(b.getTime()).append(' ').append(b.getOrigin()).append(' ').append(b.getOutcome())
                        .append(' ').append(String.join(", ", b.getClasses()));
                b.getReasons().forEach(r -> lines.append("\n    ").append(r.getKind()).append(' ').append(r.getClassName())
                        .append(r.getMember().isEmpty() ? "" : "." + r.getMember()).append(": ").append(r.getMessage()));
            }
            return new Answer(lines.toString(), true);
        });
    }

    @FunctionalInterface
    private interface Work {
        Answer on(HotswapMXBean bean) throws IOException;
    }

    /** Runs {@code work} on every target at once; prints one answer per target, in order; 0 when all are ok. */
    private int each(List<String> targets, Work work) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(targets.size(), 16)), r -> {
            Thread t = new Thread(r, "hotswap-fleet");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Answer>> answers = new ArrayList<>();
            for (String target : targets) {
                answers.add(pool.submit(() -> one(target, work)));
            }
            boolean allOk = true;
            for (int i = 0; i < targets.size(); i++) {
                Answer a;
                try {
                    a = answers.get(i).get();
                } catch (Exception e) {
                    a = new Answer("failed: " + e, false);
                }
                out.println(targets.get(i) + ": " + a.line());
                allOk &= a.ok();
            }
            return allOk ? 0 : 1;
        } finally {
            pool.shutdownNow();
        }
    }

    private Answer one(String target, Work work) {
        JMXConnector connector;
        try {
            connector = connect(target);
        } catch (IOException | RuntimeException e) {
            Optional<String> tls = login.ssl() ? Tls.refusal(e, host(target)) : Optional.empty();
            if (tls.isPresent()) {
                return new Answer(tls.get(), false);
            }
            return e instanceof SecurityException
                    ? new Answer("login refused (" + e.getMessage() + ")", false)
                    : new Answer("cannot reach it (" + rootMessage(e) + ")", false);
        }
        try (connector) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(HotswapMXBean.OBJECT_NAME);
            if (!server.isRegistered(name)) {
                return new Answer("no hotswap session there: start the program with -javaagent:hotswap.jar, or"
                        + " java -jar hotswap.jar attach <pid>", false);
            }
            return work.on(JMX.newMXBeanProxy(server, name, HotswapMXBean.class));
        } catch (SecurityException e) {
            return new Answer("refused (" + e.getMessage() + ")", false);
        } catch (IOException | MalformedObjectNameException | RuntimeException e) {
            Throwable cause = e.getCause() instanceof InstanceNotFoundException ? e.getCause() : e;
            return new Answer("failed (" + rootMessage(cause) + ")", false);
        }
    }

    private JMXConnector connect(String target) throws IOException {
        if (target.chars().allMatch(Character::isDigit)) {
            return JMXConnectorFactory.connect(new JMXServiceURL(LocalAgent.address(target)));
        }
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IOException("'" + target + "' is neither a pid nor host:port");
        }
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + target + "/jmxrmi");
        return JMXConnectorFactory.connect(url, environment());
    }

    /** The JMX environment of a host:port target: the credentials, and with {@code --ssl} TLS that checks names and refuses a downgrade. */
    Map<String, Object> environment() throws IOException {
        Map<String, Object> env = new HashMap<>();
        if (login.user().isPresent()) {
            env.put(JMXConnector.CREDENTIALS, new String[] {login.user().get(), password()});
        }
        if (login.ssl()) {
            try {
                env.putAll(Tls.environment());
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("this JVM has no default TLS context (" + e.getMessage() + ")", e);
            }
        }
        return env;
    }

    /** The host of {@code host:port}, without the brackets of an IPv6 address. */
    private static String host(String target) {
        int colon = target.lastIndexOf(':');
        String host = colon < 0 ? target : target.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private String password() throws IOException {
        if (login.passwordFile().isEmpty()) {
            throw new IOException("--user needs --password-file FILE (the password on its first line)");
        }
        List<String> lines = Files.readAllLines(login.passwordFile().get(), StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.get(0).strip();
    }

    private static Answer answer(HotswapMXBean.Batch batch) {
        StringBuilder line = new StringBuilder();
        switch (batch.getOutcome()) {
            case "reloaded" -> line.append("reloaded ").append(count(batch.getClasses().size())).append(" in ")
                    .append(batch.getMillis()).append(" ms: ").append(String.join(", ", batch.getClasses()));
            case "nothing" -> line.append("nothing to do: it runs these bytes already, or has not loaded the classes"
                    + " (written into its folder for when it does)");
            default -> line.append(batch.getOutcome().equals("refused") ? "not reloaded" : "reload failed")
                    .append(batch.getClasses().isEmpty() ? "" : " (" + String.join(", ", batch.getClasses()) + ")")
                    .append(", still running the previous version");
        }
        batch.getReasons().forEach(r -> line.append("; ").append(r.getClassName().isEmpty() ? "" : r.getClassName())
                .append(r.getMember().isEmpty() ? "" : "." + r.getMember()).append(r.getClassName().isEmpty() ? "" : ": ")
                .append(r.getMessage()).append(" [").append(r.getKind()).append(']'));
        return new Answer(line.toString(), batch.getOutcome().equals("reloaded") || batch.getOutcome().equals("nothing"));
    }

    private static String count(int n) {
        return n + (n == 1 ? " class" : " classes");
    }

    /** Every class file below {@code dir}, by binary name. */
    static Map<String, byte[]> classFiles(Path dir) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a folder");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".class")).toList()) {
                String relative = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (relative.endsWith("module-info.class") || relative.endsWith("package-info.class")) {
                    continue;
                }
                classes.put(relative.substring(0, relative.length() - ".class".length()).replace('/', '.'), Files.readAllBytes(file));
            }
        }
        return classes;
    }

    /** The exception's own message and its root cause's, on one line. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String own = e.getMessage() == null ? e.toString() : e.getMessage();
        String text = t == e || own.contains(String.valueOf(t.getMessage())) ? own : own + ": " + t;
        return text.replaceAll("\\s+", " ").strip();
    }
}

package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.HotswapMXBean;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.JMX;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three programs, each with hotswap as its agent and the JDK's JMX agent on a loopback port of its
 * own with password authentication; {@code java -jar hotswap.jar push} sends them a build:
 * a body change and a structural one reach all three with their state kept; a rollback brings the
 * previous behaviour back on each; a stopped target is a line of its own while the others swap; a
 * wrong password is refused; and bad input over {@code reload} (garbage bytes, a JDK class, a class
 * from a jar) is refused by name with nothing applied.
 */
class FleetTest {
    @TempDir
    Path dir;
    private final List<ChildJvm> programs = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    for (int tick = 0; ; tick++) {
                        System.out.println("tick=" + tick + " " + Greeter.greet() + " end");
                        Thread.sleep(40);
                    }
                }
            }
            """;

    private static String greeter(String body, String more) {
        return """
                package app;
                public class Greeter {
                    static String greet() { %s }
                    %s
                }
                """.formatted(body, more);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ChildJvm program : programs) {
            program.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void secrets() throws Exception {
        Files.writeString(dir.resolve("jmxremote.access"), "ops readwrite\n");
        Files.writeString(dir.resolve("ops.password"), "s3cret\n");
        Files.writeString(dir.resolve("wrong.password"), "guess\n");
    }

    /**
     * One program's own password file. A JVM that may write its password file replaces the passwords with
     * hashes at its first login, in place, so JVMs sharing one would read it half rewritten; read-only is no
     * help where the tests run as root, who may write it anyway.
     */
    private Path passwordFile(int program) throws Exception {
        Path password = dir.resolve("jmxremote" + program + ".password");
        Files.writeString(password, "ops s3cret\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        return password;
    }

    private void startPrograms(int n) throws Exception {
        secrets();
        for (int i = 0; i < n; i++) {
            Path password = passwordFile(i);
            Path classes = dir.resolve("classes" + i);
            Javac.compile(classes, Map.of("app.Main", MAIN, "app.Greeter", greeter("return \"v1\";", "")));
            int port = freePort();
            ports.add(port);
            ChildJvm program = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar(),
                    "-Dcom.sun.management.jmxremote.port=" + port, "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=true", "-Dcom.sun.management.jmxremote.ssl=false",
                    "-Dcom.sun.management.jmxremote.password.file=" + password,
                    "-Dcom.sun.management.jmxremote.access.file=" + dir.resolve("jmxremote.access"),
                    "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"));
            programs.add(program);
        }
        for (ChildJvm program : programs) {
            program.await(" v1 end");
            program.await("hotswap: watching");
        }
    }

    private String targets() {
        return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** Runs the command line; its output. */
    private ChildJvm cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("-jar", ChildJvm.hotswapJar().toString()));
        command.addAll(List.of(args));
        return ChildJvm.start(dir, command);
    }

    private Path build(String name, String body, String more) throws Exception {
        Path out = dir.resolve(name);
        Javac.compile(out, Map.of("app.Greeter", greeter(body, more)));
        return out;
    }

    private static int tick(String line) {
        return Integer.parseInt(line.substring("tick=".length(), line.indexOf(' ')));
    }

    @Test
    void aBuildPushedToThreeProgramsSwapsInEachAndRollsBack() throws Exception {
        startPrograms(3);
        int[] before = new int[3];
        for (int i = 0; i < 3; i++) {
            before[i] = tick(programs.get(i).await(" v1 end"));
        }
        try (ChildJvm push = cli("push", "--to", targets(), "--user", "ops", "--password-file",
                dir.resolve("ops.password").toString(), build("v2", "return \"v2\";", "").toString())) {
            assertThat(push.awaitExit()).as(push.output()).isZero();
            assertThat(push.linesMatching(l -> l.contains(": reloaded 1 class in ") && l.endsWith("app.Greeter"))).hasSize(3);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(tick(programs.get(i).await(" v2 end"))).isGreaterThan(before[i]); // the same run, its counter on
        }
        // Structural: a method added and called.
        try (ChildJvm push = cli("push", "--to", targets(), "--user", "ops", "--password-file",
                dir.resolve("ops.password").toString(),
                build("v3", "return mood() + \"3\";", "static String mood() { return \"v\"; }").toString())) {
            assertThat(push.awaitExit()).as(push.output()).isZero();
        }
        programs.forEach(p -> p.await(" v3 end"));
        // Pushed again: nothing differs.
        try (ChildJvm push = cli("push", "--to", targets(), "--user", "ops", "--password-file",
                dir.resolve("ops.password").toString(), dir.resolve("v3").toString())) {
            assertThat(push.awaitExit()).isZero();
            assertThat(push.linesMatching(l -> l.contains(": nothing to do"))).hasSize(3);
        }
        // Rollback: the bytes before the last batch, on each.
        try (ChildJvm rollback = cli("rollback", targets(), "--user", "ops", "--password-file",
                dir.resolve("ops.password").toString())) {
            assertThat(rollback.awaitExit()).as(rollback.output()).isZero();
        }
        for (ChildJvm program : programs) {
            int mark = program.mark();
            program.awaitAfter(mark, " v2 end");
        }
        try (ChildJvm history = cli("history", "127.0.0.1:" + ports.get(0), "--user", "ops", "--password-file",
                dir.resolve("ops.password").toString())) {
            assertThat(history.awaitExit()).isZero();
            assertThat(history.output()).contains("jmx reloaded app.Greeter").contains("rollback reloaded app.Greeter");
        }
        // By pid, through the attach API: no password on this machine's own JVMs.
        try (ChildJvm status = cli("status", Long.toString(programs.get(1).pid()))) {
            assertThat(status.awaitExit()).as(status.output()).isZero();
            assertThat(status.output()).contains("active; watching").contains("classes1").contains("batches reloaded 3");
        }
    }

    @Test
    void aStoppedTargetAndAWrongPasswordAreLinesOfTheirOwnAndTheOthersSwap() throws Exception {
        startPrograms(3);
        programs.get(1).close();
        try (ChildJvm push = cli("push", "--to", targets(), "--user", "ops", "--password-file",
                dir.resolve("ops.password").toString(), build("v2", "return \"v2\";", "").toString())) {
            assertThat(push.awaitExit()).isEqualTo(1);
            assertThat(push.linesMatching(l -> l.startsWith("127.0.0.1:" + ports.get(1) + ": cannot reach it"))).hasSize(1);
            assertThat(push.linesMatching(l -> l.contains(": reloaded 1 class in "))).hasSize(2);
        }
        programs.get(0).await(" v2 end");
        programs.get(2).await(" v2 end");
        try (ChildJvm push = cli("push", "--to", "127.0.0.1:" + ports.get(0), "--user", "ops", "--password-file",
                dir.resolve("wrong.password").toString(), build("v3", "return \"v3\";", "").toString())) {
            assertThat(push.awaitExit()).isEqualTo(1);
            assertThat(push.output()).contains("127.0.0.1:" + ports.get(0) + ": login refused");
        }
        int mark = programs.get(0).mark();
        programs.get(0).awaitMore(5, "tick=");
        assertThat(programs.get(0).linesFrom(mark).stream().filter(l -> l.startsWith("tick="))).allMatch(l -> l.endsWith(" v2 end"));
    }

    @Test
    void badInputOverJmxIsRefusedByNameAndNothingIsApplied() throws Exception {
        startPrograms(1);
        Path greeterFile = dir.resolve("classes0/app/Greeter.class");
        byte[] onDisk = Files.readAllBytes(greeterFile);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + ports.get(0) + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                new String[] {"ops", "s3cret"}))) {
            HotswapMXBean bean = JMX.newMXBeanProxy(connector.getMBeanServerConnection(),
                    new ObjectName(HotswapMXBean.OBJECT_NAME), HotswapMXBean.class);
            HotswapMXBean.Batch garbage = bean.reload(Map.of("app.Greeter", new byte[] {1, 2, 3, 4, 5}));
            assertThat(garbage.getOutcome()).isEqualTo("refused");
            assertThat(garbage.getReasons()).singleElement().satisfies(r -> {
                assertThat(r.getKind()).isEqualTo("UNREADABLE_CLASS_FILE");
                assertThat(r.getClassName()).isEqualTo("app.Greeter");
            });
            org.objectweb.asm.ClassWriter string = new org.objectweb.asm.ClassWriter(0);
            string.visit(org.objectweb.asm.Opcodes.V17, org.objectweb.asm.Opcodes.ACC_PUBLIC, "java/lang/String", null,
                    "java/lang/Object", null);
            string.visitEnd();
            HotswapMXBean.Batch jdk = bean.reload(Map.of("java.lang.String", string.toByteArray()));
            assertThat(jdk.getOutcome()).isEqualTo("refused");
            assertThat(jdk.getReasons()).singleElement().satisfies(r -> assertThat(r.getKind()).isEqualTo("JDK_CLASS"));
            HotswapMXBean.Batch fromJar = bean.reload(Map.of("dev.hotswap.agent.HotswapAgent", Javac.bytesOf(
                    "dev.hotswap.agent.HotswapAgent",
                    Map.of("dev.hotswap.agent.HotswapAgent", "package dev.hotswap.agent; public final class HotswapAgent { }"))));
            assertThat(fromJar.getOutcome()).isEqualTo("refused");
            assertThat(fromJar.getReasons()).singleElement().satisfies(r -> {
                assertThat(r.getKind()).isEqualTo("NOT_FROM_WATCHED_FOLDER");
                assertThat(r.getMessage()).contains("hotswap");
            });
            HotswapMXBean.Batch mismatch = bean.reload(Map.of("app.Greeter", Javac.bytesOf("app.Other",
                    Map.of("app.Other", "package app; public class Other { }"))));
            assertThat(mismatch.getOutcome()).isEqualTo("refused");
            assertThat(mismatch.getReasons().get(0).getMessage()).contains("holds class app.Other");
            // A change the JVM cannot take: refused, and the folder holds again what the program runs.
            HotswapMXBean.Batch structural = bean.reload(Map.of("app.Greeter", Javac.bytesOf("app.Greeter",
                    Map.of("app.Greeter", "package app; public class Greeter implements Runnable {"
                            + " static String greet() { return \"vX\"; } public void run() { } }"))));
            assertThat(structural.getOutcome()).isEqualTo("refused");
            assertThat(structural.getReasons()).anySatisfy(r -> assertThat(r.getKind()).isEqualTo("INTERFACES_CHANGED"));
            assertThat(bean.getRefusedBatches()).isEqualTo(5);
            assertThat(bean.getReloadedBatches()).isZero();
            assertThat(bean.rollback().getReasons()).singleElement()
                    .satisfies(r -> assertThat(r.getKind()).isEqualTo("NOTHING_TO_ROLL_BACK"));
        }
        assertThat(Files.readAllBytes(greeterFile)).isEqualTo(onDisk);
        int mark = programs.get(0).mark();
        programs.get(0).awaitMore(5, "tick=");
        assertThat(programs.get(0).linesFrom(mark).stream().filter(l -> l.startsWith("tick="))).allMatch(l -> l.endsWith(" v1 end"));
        assertThat(programs.get(0).output()).doesNotContain("vX");
    }
}

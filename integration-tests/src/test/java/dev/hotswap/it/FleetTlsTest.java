package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ssl} on loopback with certificates made here: a TLS registry in front of a plain
 * connector (a downgrade; a connector server in the test's JVM) is refused; against the JDK's own
 * JMX agent, a certificate for another name is refused and one for 127.0.0.1 is taken. Each
 * refusal is the target's one line.
 */
class FleetTlsTest {
    private static final String MAIN = """
            package app;
            public class Main {
                public static void main(String[] args) throws Exception {
                    System.out.println("running");
                    Thread.sleep(600_000);
                }
            }
            """;

    @TempDir
    Path dir;
    private final List<ChildJvm> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ChildJvm jvm : started) {
            jvm.close();
        }
    }

    @Test
    void aPlainConnectorBehindATlsRegistryIsRefusedAsADowngrade() throws Exception {
        // Made here: the JDK's agent does not put its registry on TLS while its connector is plain when bound to one host.
        Path loopback = keyStore("loopback", "ip:127.0.0.1");
        KeyStore keys = KeyStore.getInstance(loopback.toFile(), "changeit".toCharArray());
        KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        km.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(km.getKeyManagers(), null, null);
        InetAddress local = InetAddress.getLoopbackAddress();
        RMIServerSocketFactory plainSockets = p -> new ServerSocket(p, 50, local);
        RMIJRMPServerImpl connector = new RMIJRMPServerImpl(0, null, plainSockets, Map.of());
        RMIConnectorServer server = new RMIConnectorServer(new JMXServiceURL("rmi", "127.0.0.1", 0), Map.of(), connector,
                ManagementFactory.getPlatformMBeanServer());
        server.start();
        int port = freePort();
        Registry registry = LocateRegistry.createRegistry(port, new SslRMIClientSocketFactory(),
                p -> tls.getServerSocketFactory().createServerSocket(p, 50, local));
        try {
            registry.bind("jmxrmi", connector.toStub());
            ChildJvm status = status(loopback, port);
            assertThat(status.awaitExit()).as(status.output()).isEqualTo(1);
            assertThat(status.linesMatching(l -> l.startsWith("127.0.0.1:" + port + ": refused: its JMX connector does not use"
                    + " TLS although --ssl asks for it"))).as(status.output()).hasSize(1);
        } finally {
            UnicastRemoteObject.unexportObject(registry, true);
            server.stop();
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        Path elsewhere = keyStore("elsewhere", "dns:elsewhere.example");
        int port = program(elsewhere, true);
        ChildJvm status = status(elsewhere, port);
        assertThat(status.awaitExit()).as(status.output()).isEqualTo(1);
        assertThat(status.linesMatching(l -> l.startsWith("127.0.0.1:" + port + ": refused: its certificate does not name"
                + " 127.0.0.1"))).as(status.output()).hasSize(1);
    }

    @Test
    void aCertificateFor127001OverTlsIsTaken() throws Exception {
        Path loopback = keyStore("loopback", "ip:127.0.0.1");
        int port = program(loopback, true);
        ChildJvm status = status(loopback, port);
        assertThat(status.awaitExit()).as(status.output()).isZero();
        assertThat(status.output()).contains("127.0.0.1:" + port + ": active; watching");
    }

    /** A program under hotswap with the JDK's JMX agent, its registry on TLS and its connector on TLS or not; its port. */
    private int program(Path keyStore, boolean connectorTls) throws Exception {
        Path classes = dir.resolve("classes");
        Javac.compile(classes, Map.of("app.Main", MAIN));
        int port = freePort();
        ChildJvm program = ChildJvm.start(dir, List.of("-javaagent:" + ChildJvm.hotswapJar(),
                "-Dcom.sun.management.jmxremote.port=" + port, "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.registry.ssl=true", "-Dcom.sun.management.jmxremote.ssl=" + connectorTls,
                "-Djavax.net.ssl.keyStore=" + keyStore, "-Djavax.net.ssl.keyStorePassword=changeit",
                "-cp", classes + File.pathSeparator + ChildJvm.hotswapJar(), "app.Main"));
        started.add(program);
        program.await("running");
        program.await("hotswap: watching");
        return port;
    }

    private ChildJvm status(Path trustStore, int port) throws Exception {
        ChildJvm cli = ChildJvm.start(dir, List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=changeit", "-jar", ChildJvm.hotswapJar().toString(),
                "status", "127.0.0.1:" + port, "--ssl"));
        started.add(cli);
        return cli;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A PKCS12 key store with one EC key whose certificate has this subject alternative name (once per name). */
    private Path keyStore(String name, String subjectAlternativeName) throws Exception {
        Path store = dir.resolve(name + ".p12");
        if (store.toFile().exists()) {
            return store;
        }
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=" + subjectAlternativeName, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit")).redirectErrorStream(true).start();
        try (InputStream out = keytool.getInputStream()) {
            String printed = new String(out.readAllBytes());
            assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(keytool.exitValue()).as(printed).isZero();
        }
        return store;
    }
}

package dev.hotswap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ssl}: the JMX environment refuses a connector stub without TLS, and every client
 * socket, the registry's and the connector's (the JDK's factory, through the default context),
 * checks that the server's certificate names the host; a real handshake on loopback shows a
 * certificate for another name refused and one for 127.0.0.1 taken.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void sslAsksForATlsConnectorStubAndSocketsThatCheckTheServersName() throws Exception {
        Map<String, Object> plain = new Fleet(new Fleet.Login(Optional.empty(), Optional.empty(), false), System.out).environment();
        assertThat(plain).doesNotContainKeys(Tls.CHECK_STUB, Tls.REGISTRY_SOCKETS);

        Map<String, Object> env = new Fleet(new Fleet.Login(Optional.empty(), Optional.empty(), true), System.out).environment();
        assertThat(env).containsEntry("jmx.remote.x.check.stub", "true");
        assertThat(env.get("com.sun.jndi.rmi.factory.socket")).isInstanceOf(Tls.RegistrySockets.class);
        try (SSLSocket unconnected = (SSLSocket) SSLSocketFactory.getDefault().createSocket()) {
            assertThat(unconnected.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        }
        // The connector's stub brings the JDK's own factory: its sockets come from the default context.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SSLSocket connector = (SSLSocket) new SslRMIClientSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
            assertThat(connector.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedAndOneFor127001IsTaken() throws Exception {
        Path elsewhere = keyStore("elsewhere", "dns:elsewhere.example");
        assertThatThrownBy(() -> handshake(elsewhere)).satisfies(e -> assertThat(Tls.refusal(e, "127.0.0.1"))
                .hasValueSatisfying(line -> assertThat(line).startsWith("refused: its certificate does not name 127.0.0.1 (No subject"
                        + " alternative names matching IP address 127.0.0.1 found), nothing was sent; reach it by a name")));
        handshake(keyStore("loopback", "ip:127.0.0.1"));
    }

    @Test
    void aConnectorStubWithoutTlsIsNamedADowngrade() {
        // The RMI connector's words when jmx.remote.x.check.stub finds a plain connector.
        SecurityException stub = new SecurityException("Expecting a javax.rmi.ssl.SslRMIClientSocketFactory RMI client socket factory in stub!");
        assertThat(Tls.refusal(new java.io.IOException("connect failed", stub), "h")).hasValueSatisfying(line -> assertThat(line)
                .startsWith("refused: its JMX connector does not use TLS although --ssl asks for it"));
        assertThat(Tls.refusal(new SecurityException("Authentication failed! Invalid username or password"), "h")).isEmpty();
    }

    /** A TLS server on loopback with the key of {@code store}; a client of {@link Tls#verifying} that trusts it shakes hands. */
    private static void handshake(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance(store.toFile(), "changeit".toCharArray());
        KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        km.init(keys, "changeit".toCharArray());
        TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tm.init(keys);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(km.getKeyManagers(), null, null);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tm.getTrustManagers(), null);
        try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listening.accept()) {
                    s.startHandshake();
                } catch (Exception e) {
                    // the client's refusal ends the handshake here too
                }
            });
            try (SSLSocket socket = (SSLSocket) Tls.verifying(client).getSocketFactory().createSocket("127.0.0.1",
                    listening.getLocalPort())) {
                socket.startHandshake();
            } finally {
                accepted.get(20, TimeUnit.SECONDS);
            }
        }
    }

    private Path keyStore(String name, String subjectAlternativeName) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=" + subjectAlternativeName, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit")).redirectErrorStream(true).start();
        try (InputStream out = keytool.getInputStream()) {
            String printed = new String(out.readAllBytes());
            assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(keytool.exitValue()).as(printed).isZero();
        }
        assertThat(store).exists();
        return store;
    }
}

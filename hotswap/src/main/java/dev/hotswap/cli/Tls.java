package dev.hotswap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * {@code --ssl}: JMX over TLS that cannot be downgraded and checks whom it talks to. Two hops
 * reach a JMX agent: the RMI registry, through the socket factory we hand JNDI, then the
 * connector, through the factory inside the stub the registry hands back. With
 * {@code jmx.remote.x.check.stub} that factory must be the JDK's {@link SslRMIClientSocketFactory},
 * so a plain connector behind a TLS registry is refused; that factory takes its sockets from the
 * JVM's default {@link SSLContext}, which is why the default is made one whose sockets check that
 * the server's certificate names the host asked for (the JDK's factory does so itself only from
 * JDK 25.0.2 on). The command line's process is ours: nothing else there uses the default.
 */
final class Tls {
    /** The environment key with which the RMI connector refuses a connector stub without TLS. */
    static final String CHECK_STUB = "jmx.remote.x.check.stub";
    /** The environment key of the socket factory with which JNDI reaches the RMI registry. */
    static final String REGISTRY_SOCKETS = "com.sun.jndi.rmi.factory.socket";

    private Tls() {
    }

    /** What {@code --ssl} adds to a connection's JMX environment; makes the default context check names, once. */
    static Map<String, Object> environment() throws NoSuchAlgorithmException {
        verifyNamesByDefault();
        Map<String, Object> env = new HashMap<>();
        env.put(REGISTRY_SOCKETS, new RegistrySockets());
        env.put(CHECK_STUB, "true"); // read as a string by the RMI connector
        return env;
    }

    /** The JDK's factory, with each socket checking the certificate's names before anything is sent. */
    static final class RegistrySockets extends SslRMIClientSocketFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            SSLSocket socket = verified((SSLSocket) super.createSocket(host, port));
            // Now, not at the first write: a wrong certificate is then this exception, not an RMI one around it.
            socket.startHandshake();
            return socket;
        }
    }

    static SSLSocket verified(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** Makes the JVM's default {@link SSLContext} one whose client sockets check the server's names; idempotent. */
    static synchronized void verifyNamesByDefault() throws NoSuchAlgorithmException {
        SSLContext current = SSLContext.getDefault();
        if (!(current.getSocketFactory() instanceof VerifyingSockets)) {
            SSLContext.setDefault(verifying(current));
        }
    }

    /** {@code delegate} with client sockets that check the server's names. */
    static SSLContext verifying(SSLContext delegate) {
        return new SSLContext(new VerifyingSpi(delegate), delegate.getProvider(), delegate.getProtocol()) { };
    }

    /**
     * Why a TLS connection to {@code host} was refused, as one clause for the target's line, when
     * {@code e} or a cause says so: a connector without TLS, a certificate that names another
     * host, one that is not trusted, or a server that does not speak TLS.
     */
    static Optional<String> refusal(Throwable e, String host) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof SecurityException && message.contains("in stub")) {
                return Optional.of("refused: its JMX connector does not use TLS although --ssl asks for it (a plain connector"
                        + " behind a TLS registry: a downgrade), nothing was sent; start it with"
                        + " -Dcom.sun.management.jmxremote.ssl=true");
            }
            if (t instanceof CertificateException && (message.startsWith("No subject alternative") || message.startsWith("No name"))) {
                return Optional.of("refused: its certificate does not name " + host + " (" + message + "), nothing was sent;"
                        + " reach it by a name its certificate has, or give it a certificate for " + host);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return Optional.of("refused: TLS with it failed (" + t.getMessage() + "), nothing was sent; is its certificate"
                        + " (or its CA) in the trust store, -Djavax.net.ssl.trustStore=FILE?");
            }
            if (t instanceof SSLException) {
                return Optional.of("refused: TLS with it failed (" + t.getMessage() + "), nothing was sent; does it run JMX"
                        + " with -Dcom.sun.management.jmxremote.ssl=true and registry.ssl=true?");
            }
        }
        return Optional.empty();
    }

    private static final class VerifyingSpi extends SSLContextSpi {
        private final SSLContext delegate;

        VerifyingSpi(SSLContext delegate) {
            this.delegate = delegate;
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) throws KeyManagementException {
            throw new KeyManagementException("this context is made of an initialised one");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new VerifyingSockets(delegate.getSocketFactory());
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return delegate.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    /** Client sockets of {@code delegate}, each checking that the server's certificate names the host. */
    static final class VerifyingSockets extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        VerifyingSockets(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return verified((SSLSocket) delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return verified((SSLSocket) delegate.createSocket(socket, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose) throws IOException {
            return delegate.createSocket(socket, consumed, autoClose); // a server's socket: its clients are not named
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return verified((SSLSocket) delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return verified((SSLSocket) delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return verified((SSLSocket) delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return verified((SSLSocket) delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}

package dev.hotswap.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Loads our agent into this JVM by speaking HotSpot's attach protocol over its Unix socket, as
 * the JDK's attach client does for another JVM: the client library refuses to attach to its
 * own process (JDK 9+), the JVM does not. Saves starting a helper JVM (hundreds of
 * milliseconds). Linux only, where the protocol's files live in {@code /tmp}; never used when
 * the JVM does not handle {@code SIGQUIT} itself ({@code -Xrs}), which would end the program.
 */
final class SelfAttach {
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(5);
    private static final Path TMP = Path.of("/tmp");

    private SelfAttach() {
    }

    /** Whether this JVM can take the in-process route; empty when it can, else why not. */
    static Optional<String> unavailable(boolean reducedSignals) {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return Optional.of("loading the agent in process needs Linux");
        }
        if (reducedSignals) {
            return Optional.of("this JVM leaves SIGQUIT to the system (-Xrs), which the attach mechanism needs");
        }
        return Optional.empty();
    }

    /**
     * Loads {@code agentJar} with {@code arguments} through this JVM's attach listener, starting
     * the listener first if needed. Returns empty when the JVM reported success, else why not.
     */
    static Optional<String> load(long pid, Path agentJar, String arguments) {
        Path socket = TMP.resolve(".java_pid" + pid);
        try {
            String options = agentJar + "=" + arguments;
            String response = null;
            if (Files.exists(socket)) {
                try {
                    response = request(socket, "load", "instrument", "false", options);
                } catch (IOException e) {
                    // Left by an earlier process that had this pid: the JVM makes its own once asked.
                    Files.deleteIfExists(socket);
                }
            }
            if (response == null) {
                Optional<String> started = startListener(pid, socket);
                if (started.isPresent()) {
                    return started;
                }
                response = request(socket, "load", "instrument", "false", options);
            }
            // "0" (the command ran), then the agent's return code: "0", or "return code: 0" on newer JDKs.
            String[] lines = response.strip().split("\n");
            boolean ok = lines.length >= 1 && lines[0].strip().equals("0")
                    && (lines.length == 1 || lines[lines.length - 1].strip().replace("return code: ", "").equals("0"));
            return ok ? Optional.empty() : Optional.of("the JVM answered: " + response.strip().replace('\n', ' '));
        } catch (IOException | RuntimeException e) {
            return Optional.of("talking to this JVM's attach listener failed (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while attaching");
        }
    }

    /**
     * The JVM starts its attach listener on {@code SIGQUIT} when a file {@code .attach_pid<pid>}
     * of ours is there (otherwise it would print a thread dump): make the file, raise the signal,
     * wait for the socket to appear.
     */
    private static Optional<String> startListener(long pid, Path socket) throws IOException, InterruptedException {
        Path trigger = TMP.resolve(".attach_pid" + pid);
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            TMP.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            Files.deleteIfExists(trigger);
            Files.createFile(trigger);
            try {
                // The JDK raises only signals with a Java handler, and SIGQUIT is the JVM's: kill(1) sends it.
                Optional<String> sent = sendQuit(pid);
                if (sent.isPresent()) {
                    return sent;
                }
                long deadline = System.nanoTime() + LISTENER_TIMEOUT.toNanos();
                while (!Files.exists(socket)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Optional.of("this JVM's attach listener did not start within "
                                + LISTENER_TIMEOUT.toSeconds() + " s");
                    }
                    WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
                    if (key != null) {
                        for (WatchEvent<?> ignored : key.pollEvents()) {
                            // any file made in /tmp: look for the socket again
                        }
                        key.reset();
                    }
                }
                return Optional.empty();
            } finally {
                Files.deleteIfExists(trigger);
            }
        }
    }

    private static Optional<String> sendQuit(long pid) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).redirectErrorStream(true).start();
            kill.getOutputStream().close();
            if (!kill.waitFor(LISTENER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return Optional.of("kill -QUIT did not finish");
            }
            return kill.exitValue() == 0 ? Optional.empty() : Optional.of("kill -QUIT failed (exit " + kill.exitValue() + ")");
        } catch (IOException e) {
            return Optional.of("cannot run kill (" + e.getMessage() + ")");
        }
    }

    /** Sends one command with three arguments, protocol version 1, and returns all the JVM answers. */
    private static String request(Path socket, String command, String... arguments) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String part : java.util.List.of("1", command, arguments[0], arguments[1], arguments[2])) {
                out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
            ByteBuffer request = ByteBuffer.wrap(out.toByteArray());
            while (request.hasRemaining()) {
                channel.write(request);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}

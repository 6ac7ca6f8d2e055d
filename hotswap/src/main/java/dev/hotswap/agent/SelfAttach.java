package dev.hotswap.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    /** How long the listener has to take a command and answer it: the agent starts within it. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    private static final Path TMP = Path.of("/tmp");
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int GROUP_OR_OTHERS_READ_WRITE = 0066;

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
        return load(TMP, pid, agentJar + "=" + arguments, ANSWER_TIMEOUT);
    }

    /**
     * {@link #load(long, Path, String)} with the folder of the protocol's files and the time the
     * listener has to answer (connect, send, read) as parameters, for tests.
     */
    static Optional<String> load(Path folder, long pid, String options, Duration limit) {
        Path socket = folder.resolve(".java_pid" + pid);
        try {
            String response = null;
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                Optional<String> refused = notOurs(socket, ourUid());
                if (refused.isPresent()) {
                    return refused;
                }
                try {
                    response = request(socket, limit, "load", "instrument", "false", options);
                } catch (ConnectException e) {
                    // Nobody listens: left by an earlier process of ours that had this pid. The JVM makes its own once asked.
                    Files.deleteIfExists(socket);
                }
            }
            if (response == null) {
                Optional<String> started = startListener(folder, pid, socket);
                if (started.isPresent()) {
                    return started;
                }
                // Checked again: another user may have made it while the JVM was starting its listener.
                Optional<String> refused = notOurs(socket, ourUid());
                if (refused.isPresent()) {
                    return refused;
                }
                response = request(socket, limit, "load", "instrument", "false", options);
            }
            // "0" (the command ran), then the agent's return code: "0", or "return code: 0" on newer JDKs.
            String[] lines = response.strip().split("\n");
            boolean ok = lines.length >= 1 && lines[0].strip().equals("0")
                    && (lines.length == 1 || lines[lines.length - 1].strip().replace("return code: ", "").equals("0"));
            return ok ? Optional.empty() : Optional.of("the JVM answered: " + response.strip().replace('\n', ' '));
        } catch (SocketTimeoutException e) {
            return Optional.of(e.getMessage());
        } catch (IOException | RuntimeException e) {
            return Optional.of("talking to this JVM's attach listener at " + socket + " failed (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while attaching");
        }
    }

    /** This process's user id: the owner of its {@code /proc} entry (its effective uid). */
    static int ourUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * Empty when {@code socket} is one the JVM could have made for us: a socket (not a link to
     * one) of our user that no other user may read or write, as the JDK's attach client demands
     * ("file should be owned by the current user"); else why we will not talk to it. Another
     * user who makes the socket first would otherwise be handed our agent's path and could keep
     * us waiting.
     */
    static Optional<String> notOurs(Path socket, int ourUid) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(socket, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attributes.get("mode");
        int uid = (Integer) attributes.get("uid");
        String notUsed = "; not used (the JVM makes its socket for its own user only, so another user may have put this one"
                + " there: remove it, or start the program with -javaagent:hotswap.jar)";
        if ((mode & S_IFMT) != S_IFSOCK) {
            return Optional.of(socket + " is not a socket" + notUsed);
        }
        if (uid != ourUid) {
            return Optional.of(socket + " is owned by uid " + uid + ", not by this program's user (uid " + ourUid + ")" + notUsed);
        }
        if ((mode & GROUP_OR_OTHERS_READ_WRITE) != 0) {
            return Optional.of(socket + " may be read or written by other users (mode " + Integer.toOctalString(mode & 0777)
                    + ")" + notUsed);
        }
        return Optional.empty();
    }

    /**
     * The JVM starts its attach listener on {@code SIGQUIT} when a file {@code .attach_pid<pid>}
     * of ours is there (otherwise it would print a thread dump): make the file, raise the signal,
     * wait for the socket to appear.
     */
    private static Optional<String> startListener(Path folder, long pid, Path socket) throws IOException, InterruptedException {
        Path trigger = folder.resolve(".attach_pid" + pid);
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            Files.deleteIfExists(trigger);
            Files.createFile(trigger);
            try {
                // The JDK raises only signals with a Java handler, and SIGQUIT is the JVM's: kill(1) sends it.
                Optional<String> sent = sendQuit(pid);
                if (sent.isPresent()) {
                    return sent;
                }
                long deadline = System.nanoTime() + LISTENER_TIMEOUT.toNanos();
                while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Optional.of("this JVM's attach listener did not start within "
                                + LISTENER_TIMEOUT.toSeconds() + " s");
                    }
                    WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
                    if (key != null) {
                        for (WatchEvent<?> ignored : key.pollEvents()) {
                            // any file made in the folder: look for the socket again
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

    /**
     * Sends one command with three arguments, protocol version 1, and returns all the JVM answers,
     * within {@code limit} from connecting to the end of the answer: a listener that never answers
     * (or never accepts) costs that long, not the program's main thread for good.
     *
     * @throws ConnectException when nobody listens on the socket
     * @throws SocketTimeoutException when the answer is not complete in time; its message says so
     */
    private static String request(Path socket, Duration limit, String command, String... arguments) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                await(key, SelectionKey.OP_CONNECT, deadline, socket, limit);
                channel.finishConnect();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String part : List.of("1", command, arguments[0], arguments[1], arguments[2])) {
                out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
            ByteBuffer request = ByteBuffer.wrap(out.toByteArray());
            while (request.hasRemaining()) {
                if (channel.write(request) == 0) {
                    await(key, SelectionKey.OP_WRITE, deadline, socket, limit);
                }
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(256);
            for (int read; (read = channel.read(buffer)) >= 0; ) {
                if (read == 0) {
                    await(key, SelectionKey.OP_READ, deadline, socket, limit);
                    continue;
                }
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until the channel of {@code key} is ready for {@code operation}, up to the deadline. */
    private static void await(SelectionKey key, int operation, long deadline, Path socket, Duration limit) throws IOException {
        key.interestOps(operation);
        Selector selector = key.selector();
        while (selector.selectedKeys().isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("this JVM's attach listener at " + socket + " did not answer within "
                        + limit.toMillis() + " ms");
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        selector.selectedKeys().clear();
    }
}

package dev.hotswap.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process attach talks only to a socket of our own user that nobody else may use, and a
 * listener that never answers costs a bounded wait. Sockets of our own stand in for the JVM's
 * listener, in a folder of the test's: no signal is sent to any JVM.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a load that hangs fails its test, not the build
class SelfAttachTest {
    private static final long PID = 4242;

    @TempDir
    Path dir;
    private Path socket;

    @BeforeEach
    void name() {
        socket = dir.resolve(".java_pid" + PID);
    }

    private ServerSocketChannel listen(String permissions) throws Exception {
        Files.deleteIfExists(socket); // a closed server leaves its file
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(permissions));
        return server;
    }

    @Test
    void aSocketOfOursThatOnlyWeMayUseIsTalkedTo() throws Exception {
        try (ServerSocketChannel server = listen("rw-------")) {
            // The JVM's side of the protocol: read the five NUL-ended parts, answer "0", then the agent's return code.
            CompletableFuture<String> asked = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel client = server.accept()) {
                    ByteArrayOutputStream request = new ByteArrayOutputStream();
                    ByteBuffer buffer = ByteBuffer.allocate(256);
                    while (request.toString(StandardCharsets.UTF_8).chars().filter(c -> c == 0).count() < 5
                            && client.read(buffer) >= 0) {
                        request.write(buffer.array(), 0, buffer.position());
                        buffer.clear();
                    }
                    client.write(ByteBuffer.wrap("0\nreturn code: 0\n".getBytes(StandardCharsets.UTF_8)));
                    return request.toString(StandardCharsets.UTF_8);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(SelfAttach.load(dir, PID, "/x/hotswap.jar=library", Duration.ofSeconds(10))).isEmpty();
            assertThat(asked.get(10, TimeUnit.SECONDS)).isEqualTo("1\0load\0instrument\0false\0/x/hotswap.jar=library\0");
        }
    }

    @Test
    void aListenerThatNeverAnswersFailsTheLoadWithinTheLimit() throws Exception {
        try (ServerSocketChannel server = listen("rw-------")) {
            long started = System.nanoTime();
            Optional<String> failed = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> SelfAttach.load(dir, PID, "/x/hotswap.jar=library", Duration.ofSeconds(1)));
            assertThat(failed).hasValueSatisfying(why -> assertThat(why)
                    .isEqualTo("this JVM's attach listener at " + socket + " did not answer within 1000 ms"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(socket).exists(); // someone listens there: not taken for a stale socket and deleted
        }
    }

    @Test
    void aSocketOthersMayWriteIsRefusedWithTheReason() throws Exception {
        try (ServerSocketChannel server = listen("rw--w--w-")) {
            Optional<String> refused = SelfAttach.load(dir, PID, "/x/hotswap.jar=library", Duration.ofSeconds(1));
            assertThat(refused).hasValueSatisfying(why -> assertThat(why)
                    .startsWith(socket + " may be read or written by other users (mode 622); not used")
                    .contains("remove it, or start the program with -javaagent:hotswap.jar"));
        }
        try (ServerSocketChannel server = listen("rw-r-----")) {
            assertThat(SelfAttach.notOurs(socket, SelfAttach.ourUid())).hasValueSatisfying(why -> assertThat(why)
                    .contains("(mode 640)"));
        }
    }

    @Test
    void aFileThatIsNotASocketOrALinkToOneIsRefused() throws Exception {
        Files.createFile(dir.resolve("elsewhere"));
        Files.createSymbolicLink(socket, dir.resolve("elsewhere"));
        assertThat(SelfAttach.load(dir, PID, "/x/hotswap.jar=library", Duration.ofSeconds(1)))
                .hasValueSatisfying(why -> assertThat(why).startsWith(socket + " is not a socket; not used"));
    }

    @Test
    void aSocketOfAnotherUserIsRefusedWithTheReason() throws Exception {
        // Only root can give a file away; as another user this case cannot be made.
        assumeTrue(SelfAttach.ourUid() == 0, "needs root to make a socket owned by another user (uid 65534)");
        try (ServerSocketChannel server = listen("rw-------")) {
            Files.setAttribute(socket, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            assertThat(SelfAttach.load(dir, PID, "/x/hotswap.jar=library", Duration.ofSeconds(1)))
                    .hasValueSatisfying(why -> assertThat(why)
                            .startsWith(socket + " is owned by uid 65534, not by this program's user (uid 0); not used"));
        }
    }

    @Test
    void ourUidIsTheOwnerOfAFileWeMake() throws Exception {
        Path made = Files.createFile(dir.resolve("made"));
        assertThat(SelfAttach.ourUid()).isEqualTo(Files.getAttribute(made, "unix:uid"));
    }
}

package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.HashedWheelTimer;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command written directly by the sending thread ({@link Outbox}) onto a socket that is
 * broken: that command fails at once with what the write said, and the session then ends, so
 * every other pending call fails too. The event loop is held while it happens, so the read
 * side cannot be what noticed the broken socket.
 */
@Timeout(20)
class DirectWriteFailureTest {

    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
            + " \"package\": \"\"}, \"capabilities\": []}}\r\n";

    @TempDir
    Path dir;
    private final HashedWheelTimer timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        timer.stop();
    }

    @Test
    void aFailedDirectWriteFailsItsCommandAndEndsTheSession() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            QmpSession session = new QmpSession(new SessionConfig(QmpEndpoint.unix(socket), group, Runnable::run, timer,
                    Duration.ofSeconds(5), Duration.ofSeconds(30), false, 1 << 20, 8, 16, "test", false, false), new EventHub(Runnable::run,
                    timer, 16, "test"));
            CompletableFuture<?> connected = session.connect();
            SocketChannel peer = listener.accept();
            InputStream in = Channels.newInputStream(peer);
            peer.write(ByteBuffer.wrap(GREETING.getBytes(StandardCharsets.UTF_8)));
            assertTrue(readObject(in).contains("qmp_capabilities"));
            peer.write(ByteBuffer.wrap("{\"return\": {}, \"id\": 0}\r\n".getBytes(StandardCharsets.UTF_8)));
            connected.get(5, TimeUnit.SECONDS);

            CompletableFuture<?> before = session.submit(QmpCommand.raw("hang", null), null, null);
            assertTrue(readObject(in).contains("\"hang\""));
            CountDownLatch held = new CountDownLatch(1);
            group.next().execute(() -> {
                held.countDown();
                awaitRelease();
            });
            held.await();
            peer.close(); // the event loop is held: only a write can find out
            CompletableFuture<?> after = session.submit(QmpCommand.raw("next", null), null, null);

            QmpDisconnectedException e = disconnected(after);
            assertTrue(e.getMessage().startsWith("cannot send 'next' (id 2): "), e.getMessage());
            assertFalse(before.isDone(), "the loop is still held: the command on the wire waits for the session's end");
            release.countDown();
            assertInstanceOf(QmpDisconnectedException.class, session.closeFuture().get(5, TimeUnit.SECONDS));
            assertEquals(QmpState.CLOSED, session.state());
            disconnected(before);
        }
    }

    /** One JSON object as the client wrote it (commands carry no newline; their strings here no braces). */
    private static String readObject(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int depth = 0;
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            depth += b == '{' ? 1 : b == '}' ? -1 : 0;
            if (b == '}' && depth == 0) {
                break;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static QmpDisconnectedException disconnected(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(QmpDisconnectedException.class, e.getCause());
        }
        throw new AssertionError("completed normally");
    }
}

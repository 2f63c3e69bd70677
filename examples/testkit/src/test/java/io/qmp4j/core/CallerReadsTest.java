package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qmp4j.testkit.FakeQmpServer;
import io.qmp4j.testkit.FakeQmpServer.ReceivedCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller blocked on its reply reads the socket itself (the JDK's UNIX channel): what it reads
 * for others, a text split between its read and the I/O thread's, and every way its wait ends.
 */
@Timeout(30)
class CallerReadsTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static QmpResources resources;
    private FakeQmpServer server;
    private QmpClient client;
    private FakeQmpServer.Connection conn;
    private final LinkedBlockingQueue<ReceivedCommand> held = new LinkedBlockingQueue<>();

    @BeforeAll
    static void resources() {
        resources = QmpResources.create();
    }

    @AfterAll
    static void closeResources() {
        resources.close();
    }

    @BeforeEach
    void startServer() throws Exception {
        server = FakeQmpServer.start();
        server.on("hold", (cmd, conn) -> held.add(cmd));
        server.on("hang", (cmd, conn) -> { });
        server.on("echo", (cmd, conn) -> {
            conn.reply(cmd, cmd.arguments().get("n").toString());
            conn.event("TICK", "{}");
        });
        client = QmpClient.builder().endpoint(server.endpoint()).resources(resources).build();
        client.connect().get(5, TimeUnit.SECONDS);
        conn = server.awaitConnection(T);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    /** Answers the next held command after {@code delayMs} (the caller waits by then), first with {@code before}. */
    private Thread answerLater(long delayMs, String before, String returnJson) {
        Thread t = new Thread(() -> {
            try {
                ReceivedCommand cmd = held.poll(5, TimeUnit.SECONDS);
                Thread.sleep(delayMs);
                if (before != null) {
                    conn.send(before);
                }
                conn.reply(cmd, returnJson);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void theBlockedCallerReadsItsReplyAndTheEventBeforeIt() throws Exception {
        List<Thread> readers = new CopyOnWriteArrayList<>();
        client.events().subscription().names(Set.of("PING")).filter(e -> readers.add(Thread.currentThread())).open();
        int byCaller = 0;
        for (int i = 0; i < 40; i++) {
            answerLater(30, "{\"event\": \"PING\", \"data\": {}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}", "7");
            assertEquals(7, client.executeRaw("hold", null).get(5, TimeUnit.SECONDS).asInt());
            byCaller += readers.get(i) == Thread.currentThread() ? 1 : 0;
        }
        // Both are woken by the bytes, and the I/O thread reads them when it gets there first;
        // here, after 30 ms idle, the caller reads 5-8 of 20; none of 40 means the feature is gone.
        assertTrue(byCaller > 0, "the caller read none of the 40 events that came while it waited");
    }

    @Test
    void aSessionsSelectorAndSocketCloseWithIt() throws Exception {
        client.close();
        assertTrue(conn.awaitClosed(T));
        long before = openFds();
        for (int i = 0; i < 20; i++) {
            QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).build();
            c.connect().get(5, TimeUnit.SECONDS);
            FakeQmpServer.Connection served = server.awaitConnection(T);
            assertEquals(i, c.executeRaw("echo", JsonNodeFactory.instance.objectNode().put("n", i)).get(5, TimeUnit.SECONDS).asInt());
            c.close();
            c.whenClosed().get(5, TimeUnit.SECONDS);
            assertTrue(served.awaitClosed(T));
        }
        // Each session had a blocking wait, so a selector of its own (an epoll fd and an eventfd)
        // besides its socket: 60 descriptors if they outlived their sessions.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (openFds() > before + 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(openFds() <= before + 5, "descriptors left after 20 closed sessions: " + (openFds() - before));
    }

    private static long openFds() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void repliesTheCallerReadsCompleteOtherFutures() throws Exception {
        List<CompletableFuture<JsonNode>> others = new ArrayList<>(); // 6 and the caller's: in the in-band window of 8
        server.on("later", (cmd, conn) -> held.add(cmd));
        for (int i = 0; i < 6; i++) {
            others.add(client.executeRaw("later", null));
        }
        List<ReceivedCommand> cmds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cmds.add(held.poll(5, TimeUnit.SECONDS));
        }
        CompletableFuture<JsonNode> mine = client.executeRaw("hang", null);
        new Thread(() -> {
            try {
                Thread.sleep(30);
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < 6; i++) {
                    all.append("{\"return\": ").append(i).append(", \"id\": ").append(cmds.get(i).id()).append("}\r\n");
                }
                conn.sendBytes(all.toString().getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(30);
                conn.drop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).start();
        ExecutionException e = assertThrows(ExecutionException.class, () -> mine.get(5, TimeUnit.SECONDS));
        assertInstanceOf(QmpDisconnectedException.class, e.getCause(), "the drop ends the caller's wait");
        for (int i = 0; i < 6; i++) {
            assertEquals(i, others.get(i).get(5, TimeUnit.SECONDS).asInt(), "reply " + i);
        }
    }

    @Test
    void aReplySplitBetweenTheIoThreadAndTheCallerStaysWhole() throws Exception {
        String reply = "{\"return\": {\"text\": \"" + "a}\\\"".repeat(300) + "\"}, \"id\": ";
        server.on("split", (cmd, conn) -> {
            byte[] b = (reply + cmd.id() + "}\r\n").getBytes(StandardCharsets.US_ASCII);
            conn.sendBytes(java.util.Arrays.copyOf(b, b.length / 2)); // the I/O thread reads this half
            new Thread(() -> {
                try {
                    Thread.sleep(50); // the caller waits by now, and reads the rest
                    conn.sendBytes(java.util.Arrays.copyOfRange(b, b.length / 2, b.length));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).start();
        });
        CompletableFuture<JsonNode> f = client.executeRaw("split", null);
        Thread.sleep(20);
        assertEquals("a}\"".repeat(300), f.get(5, TimeUnit.SECONDS).get("text").asText());
    }

    @Test
    void aCallerWaitingOnTheSocketSeesTheCommandsDeadline() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.executeRaw("hang", null, Duration.ofMillis(100)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(QmpTimeoutException.class, e.getCause());
        assertThrows(TimeoutException.class, () -> client.executeRaw("hang", null).get(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void closeAndInterruptEndACallerWaitingOnTheSocket() throws Exception {
        CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                client.executeRaw("hang", null).get();
            } catch (Throwable t) {
                interrupted.complete(t);
            }
        });
        waiter.start();
        Thread.sleep(50);
        waiter.interrupt();
        assertInstanceOf(InterruptedException.class, interrupted.get(5, TimeUnit.SECONDS));

        CompletableFuture<JsonNode> f = client.executeRaw("hang", null);
        new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }).start();
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(QmpDisconnectedException.class, e.getCause());
    }

    @Test
    void manyBlockedCallersAndTheirEventsLoseNothing() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        client.events().subscription().names(Set.of("TICK")).capacity(10_000).listener(e -> ticks.incrementAndGet()).open();
        int threads = 6;
        int each = 300;
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        JsonNode n = client.executeRaw("echo", JsonNodeFactory.instance.objectNode().put("n", base + i))
                                .get(5, TimeUnit.SECONDS);
                        assertEquals(base + i, n.asInt());
                    }
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }).start();
        }
        for (Future<?> f : done) {
            f.get(20, TimeUnit.SECONDS);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ticks.get() < threads * each && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(threads * each, ticks.get(), "every event, whoever read it");
    }
}

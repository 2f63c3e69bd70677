package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmp4j.testkit.FakeQmpServer;
import io.qmp4j.testkit.FakeQmpServer.ReceivedCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code repliesOnIoThread(true)}: where futures complete, and a callback that blocks. */
@Timeout(20)
class RepliesOnIoThreadTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static QmpResources resources;
    private FakeQmpServer server;
    private QmpClient client;
    private final List<ReceivedCommand> held = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void resources() {
        resources = QmpResources.create();
    }

    @AfterAll
    static void closeResources() {
        resources.close();
    }

    @BeforeEach
    void startServer() {
        server = FakeQmpServer.start();
        server.on("hold", (cmd, conn) -> held.add(cmd));
        server.on("echo", (cmd, conn) -> conn.reply(cmd, "1"));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private QmpClient connect(boolean onIoThread) throws Exception {
        client = QmpClient.builder().endpoint(server.endpoint()).resources(resources).repliesOnIoThread(onIoThread).build();
        client.connect().get(5, TimeUnit.SECONDS);
        assertEquals("qmp_capabilities", server.takeCommand(T).name());
        return client;
    }

    /** The reply comes once the stage is registered, so that the thread that completes the command runs it. */
    private CompletableFuture<String> threadOfTheCallback(QmpClient c) throws Exception {
        CompletableFuture<String> thread = c.executeRaw("hold", null).thenApply(x -> Thread.currentThread().getName());
        release(0);
        return thread;
    }

    private void release(int i) throws Exception {
        while (held.size() <= i) {
            Thread.sleep(1);
        }
        server.awaitConnection(T).reply(held.get(i), "1");
    }

    @Test
    void dependentStagesRunOnTheIoThread() throws Exception {
        QmpClient c = connect(true);
        String thread = threadOfTheCallback(c).get(5, TimeUnit.SECONDS);
        assertTrue(thread.startsWith("qmp4j-io"), thread);
        assertEquals(1, c.executeRaw("echo", null).get(5, TimeUnit.SECONDS).asInt(), "a caller blocked in get() still has its reply");
    }

    @Test
    void byDefaultTheyRunOnTheCallbackExecutor() throws Exception {
        String thread = threadOfTheCallback(connect(false)).get(5, TimeUnit.SECONDS);
        assertTrue(thread.startsWith("qmp4j-callback"), thread);
    }

    @Test
    void aCallbackThatBlocksOnAnotherReplyFailsInsteadOfStallingTheIoThread() throws Exception {
        QmpClient c = connect(true);
        CompletableFuture<JsonNode> blocking = c.executeRaw("hold", null).thenApply(x -> c.executeRaw("hold", null).join());
        release(0);
        try {
            blocking.get(5, TimeUnit.SECONDS);
            throw new AssertionError("completed normally");
        } catch (ExecutionException e) {
            IllegalStateException ise = assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(ise.getMessage().contains("I/O thread"), ise.getMessage());
        }
        assertEquals(1, c.executeRaw("echo", null).get(5, TimeUnit.SECONDS).asInt(), "the I/O thread still reads the session's replies");
    }
}

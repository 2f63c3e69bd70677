package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.testkit.FakeQmpServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code close()} while a connect is under way ends it at once: the connect fails, the socket is
 * released, and neither waits for the connect deadline. The servers here never greet, so only
 * the close can end a connect before its (long) deadline.
 */
@Timeout(120)
class CloseWhileConnectingTest {

    /** Far beyond the waits below: a close that did not reach the socket shows as a timeout. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static QmpResources resources;

    @BeforeAll
    static void resources() {
        resources = QmpResources.create();
    }

    @AfterAll
    static void release() {
        resources.close();
    }

    @Test
    void closeWhileWaitingForTheGreetingFailsTheConnectAtOnce() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start().noGreeting()) {
            QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).connectTimeout(DEADLINE).build();
            CompletableFuture<Greeting> connect = c.connect();
            assertEquals(QmpState.CONNECTING, c.state());
            c.closeAsync().get(5, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> connect.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof QmpException, String.valueOf(e.getCause()));
            assertEquals(QmpState.CLOSED, c.state());
        }
    }

    /**
     * A close from another thread in the first microseconds of a connect, before the session has
     * its channel: the connect must still see it and close the channel (regression: the close
     * found no channel, and both it and the connect waited for the deadline).
     */
    @Test
    void closeRacingTheStartOfAConnectNeverWaitsForTheDeadline() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        for (int i = 0; i < 300; i++) {
            try (FakeQmpServer server = FakeQmpServer.start().noGreeting()) {
                QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).connectTimeout(DEADLINE).build();
                CompletableFuture<CompletableFuture<Greeting>> connecting = CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return c.connect();
                });
                await(start);
                c.closeAsync().get(5, TimeUnit.SECONDS);
                CompletableFuture<Greeting> connect = connecting.get(5, TimeUnit.SECONDS);
                // Failed: closed during the connect; or refused at once: closed before it began.
                assertThrows(ExecutionException.class, () -> connect.get(5, TimeUnit.SECONDS), "round " + i);
                assertEquals(QmpState.CLOSED, c.state(), "round " + i);
            }
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

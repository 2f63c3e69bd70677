package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.testkit.FakeQmpServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loop and a caller blocked on its reply compete for a session's socket (the read
 * turn): the loop skips a read while a caller holds the turn, and waits for a caller that holds
 * it long rather than spin on bytes the selector keeps reporting.
 */
@Timeout(60)
class ReadTurnContentionTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static final String PING = "{\"event\": \"PING\", \"data\": {}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}";
    private QmpResources resources;
    private FakeQmpServer server;
    private QmpClient client;
    private FakeQmpServer.Connection conn;

    @BeforeEach
    void start() throws Exception {
        resources = QmpResources.create();
        server = FakeQmpServer.start();
        server.on("ping-later", (cmd, c) -> new Thread(() -> { // the caller waits by then, and may read both
            try {
                Thread.sleep(20);
                c.send(PING);
                c.reply(cmd, "7");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).start());
        client = QmpClient.builder().endpoint(server.endpoint()).resources(resources).build();
        client.connect().get(5, TimeUnit.SECONDS);
        conn = server.awaitConnection(T);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        resources.close();
    }

    @Test
    void aCallerThatHoldsTheTurnLongIsWaitedForNotSpunOn() throws Exception {
        CompletableFuture<Thread> ioThread = new CompletableFuture<>();
        AtomicReference<Thread> caller = new AtomicReference<>();
        CountDownLatch inFilter = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        client.events().subscription().names(Set.of("LOOP", "PING")).filter(e -> {
            if (e.name().equals("LOOP")) {
                ioThread.complete(Thread.currentThread());
            } else if (Thread.currentThread() == caller.get() && inFilter.getCount() > 0) {
                inFilter.countDown(); // the caller holds the turn while this filter runs
                awaitQuietly(release);
            }
            return true;
        }).open();
        conn.event("LOOP", "{}"); // nobody waits for a reply: the I/O thread reads it
        Thread loop = ioThread.get(5, TimeUnit.SECONDS);
        EventSubscription tocks = client.events().subscription().names(Set.of("TOCK")).open();

        CompletableFuture<Void> callerDone = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            caller.set(Thread.currentThread());
            try {
                for (int i = 0; i < 300 && inFilter.getCount() > 0; i++) {
                    assertEquals(7, client.executeRaw("ping-later", null).get(5, TimeUnit.SECONDS).asInt());
                }
                callerDone.complete(null);
            } catch (Throwable e) {
                callerDone.completeExceptionally(e);
            }
        });
        t.start();
        assertTrue(inFilter.await(30, TimeUnit.SECONDS), "the caller read none of 300 events itself");

        conn.event("TOCK", "{}"); // readable now, and for as long as the caller holds the turn
        Thread.sleep(100);
        long before = cpuNanos(loop);
        Thread.sleep(500);
        long spent = cpuNanos(loop) - before;
        release.countDown();
        callerDone.get(5, TimeUnit.SECONDS);
        assertEquals("TOCK", tocks.next(T).get(5, TimeUnit.SECONDS).name(), "read once the caller let the turn go");
        // Spinning on the readable socket would take the I/O thread's CPU for the whole 500 ms.
        assertTrue(spent < TimeUnit.MILLISECONDS.toNanos(150), "the I/O thread used " + spent / 1_000_000
                + " ms of CPU in 500 ms while a caller held the turn");
    }

    private static long cpuNanos(Thread t) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return mx.getThreadCpuTime(t.getId());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

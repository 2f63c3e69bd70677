package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.qmp4j.core.command.Migrations;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.core.qapi.AddFd;
import io.qmp4j.core.qapi.MigrateSetParameters;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Stop;
import io.qmp4j.testkit.FakeQmpServer;
import io.qmp4j.testkit.FakeQmpServer.ReceivedCommand;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against an in-process fake QMP server on a real UNIX socket. */
@Timeout(20)
class QmpClientFakeServerTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static QmpResources resources;
    private FakeQmpServer server;
    private final List<QmpClient> clients = new ArrayList<>();

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
    }

    @AfterEach
    void stop() {
        clients.forEach(QmpClient::close);
        server.close();
    }

    private QmpClient client(QmpClient.Builder b) {
        QmpClient c = b.endpoint(server.endpoint()).resources(resources).build();
        clients.add(c);
        return c;
    }

    private QmpClient connected() throws Exception {
        QmpClient c = client(QmpClient.builder());
        c.connect().get(5, TimeUnit.SECONDS);
        assertEquals("qmp_capabilities", server.takeCommand(T).name());
        return c;
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("completed normally");
    }

    @Test
    void negotiatesOobWhenOffered() throws Exception {
        QmpClient c = client(QmpClient.builder());
        Greeting g = c.connect().get(5, TimeUnit.SECONDS);
        assertEquals("7.2.22", g.version().qemu().toString());
        ReceivedCommand caps = server.takeCommand(T);
        assertEquals("[\"oob\"]", caps.arguments().get("enable").toString());
        assertTrue(c.isOobEnabled());
        assertEquals(QmpState.RUNNING, c.state());
    }

    @Test
    @Timeout(20)
    void repliesOfOneReadCompleteInOrderAndACallbackJoiningTheNextOneDoesNotWaitForItself() throws Exception {
        // Both replies in one write, so in one read: their completions share one callback task.
        List<ReceivedCommand> held = new ArrayList<>();
        server.on("query-status", (cmd, conn) -> {
            held.add(cmd);
            if (held.size() == 2) {
                conn.sendBytes(("{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": " + held.get(0).id() + "}\n"
                        + "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": " + held.get(1).id() + "}\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        try (QmpResources one = QmpResources.builder().callbackThreads(1).build()) {
            QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(one).build();
            clients.add(c);
            c.connect().get(5, TimeUnit.SECONDS);
            c.schema().get(5, TimeUnit.SECONDS); // known: the commands' futures are the replies' own
            CompletableFuture<CompletableFuture<io.qmp4j.core.qapi.StatusInfo>> second = new CompletableFuture<>();
            CompletableFuture<io.qmp4j.core.qapi.StatusInfo> first = c.execute(new QueryStatus());
            // The only callback thread runs first's callback (registered before first can be
            // answered), which blocks on second: second's completion, next in the same callback
            // task, must not be left waiting behind it.
            CompletableFuture<String> both = first.thenApply(a -> a.status() + "," + second.join().join().status());
            second.complete(c.execute(new QueryStatus()));
            assertEquals("running,paused", both.get(10, TimeUnit.SECONDS));
            c.close();
        }
    }

    /** Replies to query-status after {@code ms}, from the server's own thread. */
    private void slowStatus(long ms) {
        server.on("query-status", (cmd, conn) -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            conn.reply(cmd, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}");
        });
    }

    @Test
    void aCallerBlockedInGetCompletesItsCommandOnItsOwnThread() throws Exception {
        slowStatus(100);
        QmpClient c = connected();
        java.util.concurrent.atomic.AtomicReference<Thread> ranOn = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<JsonNode> f = c.executeRaw("query-status", null);
        f.thenRun(() -> ranOn.set(Thread.currentThread()));
        assertEquals("running", f.get(5, TimeUnit.SECONDS).path("status").asText());
        assertEquals(Thread.currentThread(), ranOn.get(), "the waiting thread took the reply: no callback thread in between");
    }

    @Test
    void withoutAWaiterTheCallbackExecutorCompletes() throws Exception {
        slowStatus(100); // the dependent is registered before the reply
        QmpClient c = connected();
        CompletableFuture<String> thread = new CompletableFuture<>();
        c.executeRaw("query-status", null).thenRun(() -> thread.complete(Thread.currentThread().getName()));
        String name = thread.get(5, TimeUnit.SECONDS);
        assertTrue(name.startsWith("qmp4j-callback"), name);
    }

    @Test
    void aTimedGetThatGivesUpLeavesTheReplyToTheExecutor() throws Exception {
        slowStatus(300);
        QmpClient c = connected();
        CompletableFuture<JsonNode> f = c.executeRaw("query-status", null);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> f.get(20, TimeUnit.MILLISECONDS));
        CountDownLatch done = new CountDownLatch(1);
        f.thenRun(done::countDown); // nobody waits in get() any more
        assertTrue(done.await(5, TimeUnit.SECONDS), "completed after the caller gave up");
        assertEquals("running", f.join().path("status").asText());
    }

    @Test
    void anInterruptedGetThrowsAndTheCommandStillCompletes() throws Exception {
        slowStatus(300);
        QmpClient c = connected();
        CompletableFuture<JsonNode> f = c.executeRaw("query-status", null);
        Thread me = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            me.interrupt();
        });
        interrupter.start();
        assertThrows(InterruptedException.class, f::get);
        assertFalse(Thread.currentThread().isInterrupted(), "InterruptedException clears the flag");
        assertEquals("running", f.get(5, TimeUnit.SECONDS).path("status").asText());
        interrupter.join();
    }

    @Test
    void twoThreadsWaitingOnOneCommandBothGetTheReply() throws Exception {
        slowStatus(200);
        QmpClient c = connected();
        CompletableFuture<JsonNode> f = c.executeRaw("query-status", null);
        CompletableFuture<JsonNode> other = CompletableFuture.supplyAsync(f::join);
        assertEquals("running", f.get(5, TimeUnit.SECONDS).path("status").asText());
        assertEquals("running", other.get(5, TimeUnit.SECONDS).path("status").asText());
    }

    @Test
    void closingTheResourcesEndsTheirSessions() throws Exception {
        server.on("query-status", (cmd, conn) -> { }); // never answered
        try (QmpResources own = QmpResources.create()) {
            QmpClient c = b(own);
            c.connect().get(5, TimeUnit.SECONDS);
            CompletableFuture<?> pendingCommand = c.executeRaw("query-status", null);
            server.takeCommand(T); // qmp_capabilities
            server.takeCommand(T); // query-status
            own.close();
            Throwable why = failure(pendingCommand);
            assertInstanceOf(QmpDisconnectedException.class, why, why::toString);
            assertTrue(c.whenClosed().isDone(), "the session ended with its resources");
            assertEquals(QmpState.CLOSED, c.state());
            long t0 = System.nanoTime();
            c.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "close() of an ended session returns at once");
        }
    }

    private QmpClient b(QmpResources own) {
        QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(own).build();
        clients.add(c);
        return c;
    }

    @Test
    void oobCanBeTurnedOff() throws Exception {
        QmpClient c = client(QmpClient.builder().oob(false));
        c.connect().get(5, TimeUnit.SECONDS);
        assertFalse(server.takeCommand(T).json().has("arguments"));
        assertFalse(c.isOobEnabled());
    }

    @Test
    void callsInTheWrongStateFailAtOnce() throws Exception {
        QmpClient c = client(QmpClient.builder());
        QmpStateException idle = (QmpStateException) failure(c.execute(new QueryStatus()));
        assertEquals(QmpState.IDLE, idle.actual());
        c.connect().get(5, TimeUnit.SECONDS);
        assertInstanceOf(QmpStateException.class, failure(c.connect()), "connect twice");
        c.close();
        QmpStateException closed = (QmpStateException) failure(c.execute(new QueryStatus()));
        assertEquals(QmpState.CLOSED, closed.actual());
    }

    @Test
    void eventsBeforeTheGreetingAreTolerated() throws Exception {
        server.beforeGreeting("{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}");
        QmpClient c = client(QmpClient.builder());
        EventSubscription sub = c.events().subscribe(Set.of("RESUME"));
        c.connect().get(5, TimeUnit.SECONDS);
        assertEquals("RESUME", sub.next(T).get().name());
    }

    @Test
    void thousandPipelinedCommandsAreAllAnsweredAndMatched() throws Exception {
        server.on("echo", (cmd, conn) -> conn.reply(cmd, cmd.arguments().get("n").toString()));
        QmpClient c = connected();
        List<CompletableFuture<JsonNode>> fs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            fs.add(c.executeRaw("echo", JsonNodeFactory.instance.objectNode().put("n", i)));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, fs.get(i).get(5, TimeUnit.SECONDS).asInt());
        }
    }

    @Test
    void commandsSentWhileTheSocketIsFullArriveWholeAndInOrder() throws Exception {
        // A server that stops reading: the socket's buffer (~200 KiB) fills, a direct write is
        // partial, Netty writes the rest and every command after it, then direct writes resume.
        server.on("echo", (cmd, conn) -> conn.reply(cmd, cmd.arguments().get("n").toString()));
        QmpClient c = client(QmpClient.builder().oob(false)); // no window: every command goes on the wire at once
        c.connect().get(5, TimeUnit.SECONDS);
        FakeQmpServer.Connection conn = server.awaitConnection(T);
        assertEquals("qmp_capabilities", server.takeCommand(T).name());
        conn.stall();
        String filler = "x".repeat(16 * 1024);
        List<CompletableFuture<JsonNode>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fs.add(c.executeRaw("echo", JsonNodeFactory.instance.objectNode().put("n", i).put("filler", filler + i)));
        }
        Thread.sleep(200);
        assertFalse(fs.get(199).isDone());
        conn.resume();
        // Sent while Netty still holds the earlier ones: they must not overtake them.
        for (int i = 200; i < 250; i++) {
            fs.add(c.executeRaw("echo", JsonNodeFactory.instance.objectNode().put("n", i).put("filler", "" + i)));
        }
        for (int i = 0; i < 250; i++) {
            assertEquals(i, fs.get(i).get(10, TimeUnit.SECONDS).asInt());
            ReceivedCommand got = server.takeCommand(T);
            assertEquals(i, got.arguments().get("n").asInt(), "commands arrive in the order they were sent");
            assertEquals((i < 200 ? filler : "") + i, got.arguments().get("filler").asText());
        }
        for (int i = 250; i < 260; i++) {
            assertEquals(i, c.executeRaw("echo", JsonNodeFactory.instance.objectNode().put("n", i)).get(5, TimeUnit.SECONDS).asInt());
        }
    }

    @Test
    void outOfOrderRepliesReachTheirOwnCommands() throws Exception {
        List<ReceivedCommand> held = new CopyOnWriteArrayList<>();
        server.on("first", (cmd, conn) -> held.add(cmd));
        server.on("second", (cmd, conn) -> {
            conn.reply(cmd, "\"two\"");
            conn.reply(held.get(0), "\"one\"");
        });
        QmpClient c = connected();
        CompletableFuture<JsonNode> one = c.executeRaw("first", null);
        CompletableFuture<JsonNode> two = c.executeRaw("second", null);
        assertEquals("two", two.get(5, TimeUnit.SECONDS).asText());
        assertEquals("one", one.get(5, TimeUnit.SECONDS).asText());
    }

    @Test
    void peerDisconnectFailsEveryPendingCallAtOnce() throws Exception {
        server.on("hang", (cmd, conn) -> { });
        QmpClient c = client(QmpClient.builder().commandTimeout(Duration.ofMinutes(1)));
        c.connect().get(5, TimeUnit.SECONDS);
        FakeQmpServer.Connection conn = server.awaitConnection(T);
        List<CompletableFuture<JsonNode>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fs.add(c.executeRaw("hang", null));
        }
        EventSubscription sub = c.events().subscribe(Set.of());
        CompletableFuture<QmpEvent> nextEvent = sub.next();
        Thread.sleep(100);
        long t0 = System.nanoTime();
        conn.drop();
        for (CompletableFuture<JsonNode> f : fs) {
            Throwable t = failure(f);
            assertInstanceOf(QmpDisconnectedException.class, t);
            assertTrue(t.getMessage().contains("closed by"), t.getMessage());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 1000, "pending calls failed after " + ms + " ms");
        assertInstanceOf(QmpDisconnectedException.class, failure(nextEvent));
        assertEquals(QmpState.CLOSED, c.state());
        assertTrue(c.whenClosed().get(1, TimeUnit.SECONDS).getMessage().contains("closed by"));
    }

    @Test
    void stalledServerTimesOutAndTheClientStaysUsable() throws Exception {
        QmpClient c = client(QmpClient.builder().commandTimeout(Duration.ofMillis(300)));
        c.connect().get(5, TimeUnit.SECONDS);
        FakeQmpServer.Connection conn = server.awaitConnection(T);
        conn.stall();
        Throwable t = failure(c.execute(new QueryStatus()));
        assertInstanceOf(QmpTimeoutException.class, t);
        assertEquals(Duration.ofMillis(300), ((QmpTimeoutException) t).timeout());
        conn.resume();
        // The late reply of the timed-out command is dropped; the next command gets its own.
        server.on("query-status", (cmd, cn) -> cn.reply(cmd, "{\"status\": \"running\", \"running\": true}"));
        assertTrue(c.execute(new QueryStatus(), T).get(5, TimeUnit.SECONDS).running());
        assertEquals(QmpState.RUNNING, c.state());
    }

    @Test
    void perCallTimeoutOverridesTheDefault() throws Exception {
        server.on("hang", (cmd, conn) -> { });
        QmpClient c = connected();
        QmpTimeoutException t = (QmpTimeoutException) failure(c.executeRaw("hang", null, Duration.ofMillis(50)));
        assertEquals(Duration.ofMillis(50), t.timeout());
    }

    @Test
    void commandErrorsKeepTheirClass() throws Exception {
        server.on("nope", (cmd, conn) -> conn.error(cmd, "CommandNotFound", "The command nope has not been found"));
        QmpClient c = connected();
        QmpCommandException e = (QmpCommandException) failure(c.executeRaw("nope", null));
        assertTrue(e.errorClass().is(QmpErrorClass.COMMAND_NOT_FOUND));
        assertEquals("nope", e.command());
    }

    @Test
    void malformedJsonFromTheServerEndsTheSessionWithAProtocolError() throws Exception {
        server.on("bad", (cmd, conn) -> conn.send("{\"return\": {]}"));
        QmpClient c = connected();
        Throwable t = failure(c.executeRaw("bad", null));
        assertInstanceOf(QmpDisconnectedException.class, t);
        assertInstanceOf(MalformedReplyException.class, t.getCause());
        assertEquals(QmpState.CLOSED, c.state());
    }

    @Test
    void idLessErrorEndsTheSession() throws Exception {
        server.on("x", (cmd, conn) -> conn.send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}"));
        QmpClient c = connected();
        Throwable t = failure(c.executeRaw("x", null));
        assertInstanceOf(QmpProtocolException.class, t.getCause());
    }

    @Test
    void frameOverTheLimitEndsTheSession() throws Exception {
        server.on("big", (cmd, conn) -> conn.reply(cmd, "\"" + "a".repeat(8192) + "\""));
        QmpClient c = client(QmpClient.builder().maxFrameBytes(4096));
        c.connect().get(5, TimeUnit.SECONDS);
        Throwable t = failure(c.executeRaw("big", null));
        assertInstanceOf(MalformedReplyException.class, t.getCause());
        assertTrue(t.getCause().getMessage().contains("4096"));
    }

    @Test
    void largeRepliesUnderTheLimitPass() throws Exception {
        // query-qmp-schema is ~120 KiB in one line: a line-based 64 KiB limit would break it.
        String big = "\"" + "s".repeat(300_000) + "\"";
        server.on("query-qmp-schema", (cmd, conn) -> conn.reply(cmd, big));
        QmpClient c = connected();
        assertEquals(300_000, c.executeRaw("query-qmp-schema", null).get(5, TimeUnit.SECONDS).asText().length());
    }

    @Test
    void invalidGreetingFailsConnect() throws Exception {
        server.greeting("{\"hello\": 1}");
        QmpClient c = client(QmpClient.builder());
        assertInstanceOf(GreetingException.class, failure(c.connect()));
        assertEquals(QmpState.CLOSED, c.state());
    }

    @Test
    void refusedNegotiationFailsConnect() throws Exception {
        server.on("qmp_capabilities", (cmd, conn) -> conn.error(cmd, "GenericError", "Capability 'oob' is not available"));
        QmpClient c = client(QmpClient.builder());
        Throwable t = failure(c.connect());
        assertInstanceOf(NegotiationException.class, t);
        assertTrue(t.getMessage().contains("not available"));
    }

    @Test
    void missingGreetingHitsTheConnectDeadlineWithAHint() throws Exception {
        server.noGreeting();
        QmpClient c = client(QmpClient.builder().connectTimeout(Duration.ofMillis(300)));
        Throwable t = failure(c.connect());
        assertInstanceOf(QmpConnectException.class, t);
        assertTrue(t.getMessage().contains("in use by another client"), t.getMessage());
        assertInstanceOf(QmpTimeoutException.class, t.getCause());
        assertEquals(QmpState.CLOSED, c.state());
    }

    @Test
    void secondClientOnABusyMonitorIsToldSo() throws Exception {
        connected();
        QmpClient second = client(QmpClient.builder().connectTimeout(Duration.ofMillis(300)));
        Throwable t = failure(second.connect());
        assertTrue(t.getMessage().contains("probably in use by another client"), t.getMessage());
    }

    @Test
    void connectToNoServerFailsWithCause(@TempDir Path dir) throws Exception {
        QmpClient c = QmpClient.builder().endpoint(QmpEndpoint.unix(dir.resolve("absent.sock"))).resources(resources).build();
        clients.add(c);
        QmpConnectException e = (QmpConnectException) failure(c.connect());
        assertTrue(e.getMessage().contains("absent.sock"), e.getMessage());
        assertTrue(e.getCause() != null);
    }

    @Test
    void manyConnectionsInARowOnSharedResourcesAllSucceed() throws Exception {
        // Regression: registering an unconnected junixsocket channel lost ~1 connect in 10.
        for (int i = 0; i < 40; i++) {
            try (FakeQmpServer s = FakeQmpServer.start();
                 QmpClient c = QmpClient.builder().endpoint(s.endpoint()).resources(resources).build()) {
                c.connect().get(5, TimeUnit.SECONDS);
                assertEquals(QmpState.RUNNING, c.state(), "connection " + i);
            }
        }
    }

    @Test
    void subscriptionsAreIndependentAndBounded() throws Exception {
        int n = 20_000;
        server.on("flood", (cmd, conn) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append("{\"event\": \"TICK\", \"data\": {\"n\": ").append(i).append("}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\r\n");
            }
            conn.sendBytes(sb.toString().getBytes());
            conn.reply(cmd, "{}");
        });
        QmpClient c = connected();
        EventSubscription small = c.events().subscription().names(Set.of("TICK")).capacity(100)
                .overflow(OverflowPolicy.DROP_OLDEST).open();
        EventSubscription first = c.events().subscription().names(Set.of("TICK")).capacity(10)
                .overflow(OverflowPolicy.DROP_NEWEST).open();
        EventSubscription all = c.events().subscription().names(Set.of("TICK")).capacity(n).open();
        CountDownLatch seen = new CountDownLatch(n);
        EventSubscription listener = c.events().subscription().names(Set.of("TICK")).capacity(n)
                .listener(e -> seen.countDown()).open();
        c.executeRaw("flood", null).get(10, TimeUnit.SECONDS);
        assertTrue(seen.await(10, TimeUnit.SECONDS), "the listener saw every event");
        assertEquals(n - 100, small.dropped());
        assertEquals(n - 100, small.poll().orElseThrow().data().get("n").asInt(), "DROP_OLDEST keeps the newest");
        assertEquals(0, first.poll().orElseThrow().data().get("n").asInt(), "DROP_NEWEST keeps the oldest");
        assertEquals(n - 10, first.dropped());
        assertEquals(0, all.dropped());
        for (int i = 0; i < n; i++) {
            assertEquals(i, all.poll().orElseThrow().data().get("n").asInt());
        }
        assertEquals(256, c.events().history().size(), "history is bounded");
        assertEquals(n - 1, c.events().history().get(255).data().get("n").asInt());
        // The session still answers commands after the flood.
        c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
        listener.close();
        small.close();
        first.close();
        all.close();
    }

    @Test
    void executeAndAwaitSeesAnEventThatArrivesBeforeTheReply() throws Exception {
        server.on("stop", (cmd, conn) -> {
            conn.event("STOP", null);
            conn.reply(cmd, "{}");
        });
        QmpClient c = connected();
        ReplyAndEvent<Void> r = c.executeAndAwait(new Stop(), e -> e.is("STOP"), T).get(5, TimeUnit.SECONDS);
        assertEquals("STOP", r.event().name());
    }

    @Test
    void executeAndAwaitTimesOutWhenTheEventNeverComes() throws Exception {
        QmpClient c = connected();
        Throwable t = failure(c.executeAndAwait(new Stop(), e -> e.is("STOP"), Duration.ofMillis(200)));
        assertInstanceOf(QmpTimeoutException.class, t);
    }

    @Test
    void awaitWaitsForAFutureEvent() throws Exception {
        server.on("poke", (cmd, conn) -> {
            conn.reply(cmd, "{}");
            conn.event("BLOCK_JOB_READY", "{\"device\": \"job0\"}");
        });
        QmpClient c = connected();
        CompletableFuture<QmpEvent> ready = c.events().await(Set.of("BLOCK_JOB_READY"),
                e -> "job0".equals(e.data().path("device").asText()), T);
        c.executeRaw("poke", null);
        assertEquals("job0", ready.get(5, TimeUnit.SECONDS).data().get("device").asText());
    }

    @Test
    void sendFdPassesTheDescriptorWithGetfd(@TempDir Path dir) throws Exception {
        QmpClient c = client(QmpClient.builder().fdPassing(true));
        c.connect().get(5, TimeUnit.SECONDS);
        assertEquals("qmp_capabilities", server.takeCommand(T).name());
        Path f = Files.writeString(dir.resolve("x"), "hello");
        try (FileInputStream in = new FileInputStream(f.toFile())) {
            c.sendFd("fd0", in.getFD()).get(5, TimeUnit.SECONDS);
            ReceivedCommand getfd = takePastTheSchemaFetch();
            assertEquals("getfd", getfd.name());
            assertEquals("fd0", getfd.arguments().get("fdname").asText());
            assertEquals(1, getfd.fds().size(), "one descriptor came with getfd");
            try (FileInputStream received = new FileInputStream(getfd.fds().get(0))) {
                assertEquals("hello", new String(received.readAllBytes()), "it is the same open file");
            }
            c.addFd(new AddFd(7L, "disk"), in.getFD()).get(5, TimeUnit.SECONDS);
            ReceivedCommand addFd = takePastTheSchemaFetch();
            assertEquals("add-fd", addFd.name());
            assertEquals(7, addFd.arguments().get("fdset-id").asInt());
            assertEquals(1, addFd.fds().size());
        }
    }

    /** The next command, past the schema fetch (query-target, query-qmp-schema) that the first typed command starts. */
    private ReceivedCommand takePastTheSchemaFetch() throws Exception {
        ReceivedCommand c = server.takeCommand(T);
        while (c.name().equals("query-target") || c.name().equals("query-qmp-schema")) {
            c = server.takeCommand(T);
        }
        return c;
    }

    @Test
    void sendFdWithoutFdPassingSaysWhatTheClientNeeds(@TempDir Path dir) throws Exception {
        QmpClient c = connected();
        try (FileInputStream in = new FileInputStream(Files.writeString(dir.resolve("x"), "x").toFile())) {
            Throwable t = failure(c.sendFd("fd0", in.getFD()));
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("fdPassing(true)"), t.getMessage());
        }
        c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
        assertEquals("query-status", takePastTheSchemaFetch().name(), "no getfd was sent, and the session goes on");
    }

    @Test
    void sendFdRefusesAClosedDescriptor() throws Exception {
        QmpClient c = connected();
        assertInstanceOf(IllegalArgumentException.class, failure(c.sendFd("x", new java.io.FileDescriptor())));
    }

    @Test
    void clientsWithResourcesOfTheirOwnStartThreadsOnlyWhenConnectedAndStopThemOnClose() throws Exception {
        long before = qmp4jThreads();
        List<QmpClient> idle = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            idle.add(QmpClient.create(server.endpoint()));
        }
        assertEquals(before, qmp4jThreads(), "building a client starts no thread");
        QmpClient c = QmpClient.create(server.endpoint());
        c.connect().get(5, TimeUnit.SECONDS);
        c.execute(new QueryStatus(), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        assertTrue(qmp4jThreads() > before, "a connected client runs on threads of its own");
        c.close();
        idle.forEach(QmpClient::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (qmp4jThreads() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(qmp4jThreads() <= before, "closed, it has stopped them all: " + Thread.getAllStackTraces().keySet());
    }

    private static long qmp4jThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("qmp4j-")).count();
    }

    @Test
    void typedCommandOutsideTheSchemaIsRefusedBeforeSending() throws Exception {
        // Resources of its own, so that no schema is cached yet.
        QmpClient c = QmpClient.create(server.endpoint());
        clients.add(c);
        c.connect().get(5, TimeUnit.SECONDS);
        server.takeCommand(T);
        QmpUnsupportedException e = (QmpUnsupportedException) failure(c.execute(Migrations.set(
                MigrateSetParameters.builder().downtimeLimit(100).extra("compress-method", TextNode.valueOf("zstd")).build())));
        assertTrue(e.getMessage().startsWith("migrate-set-parameters: parameter 'compress-method' is not supported by this QEMU (7.2.22); "
                + "it supports: announce-initial,"), e.getMessage());
        assertEquals("migrate-set-parameters", e.command());
        assertEquals("query-target", server.takeCommand(T).name());
        assertEquals("query-qmp-schema", server.takeCommand(T).name());
        c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
        assertEquals("query-status", server.takeCommand(T).name(), "the refused command was never sent");
    }

    @Test
    void schemaIsFetchedOncePerQemuBuildAndSharedThroughResources() throws Exception {
        try (QmpResources own = QmpResources.create()) {
            QmpClient first = QmpClient.builder().endpoint(server.endpoint()).resources(own).build();
            first.connect().get(5, TimeUnit.SECONDS);
            first.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
            first.close();
            server.awaitConnection(T).awaitClosed(T);
            QmpClient second = QmpClient.builder().endpoint(server.endpoint()).resources(own).build();
            clients.add(second);
            checkSecond(second);
        }
    }

    private void checkSecond(QmpClient second) throws Exception {
        second.connect().get(5, TimeUnit.SECONDS);
        second.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
        long schemaFetches = server.receivedCommands().stream().filter(cmd -> "query-qmp-schema".equals(cmd.name())).count();
        assertEquals(1, schemaFetches, "the second client of the same QEMU build reuses the cached schema");
        assertTrue(second.schema().get(5, TimeUnit.SECONDS).hasCommand("migrate"));
    }

    @Test
    void rawCommandsAndDisabledChecksAreNotChecked() throws Exception {
        QmpClient c = client(QmpClient.builder().schemaCheck(false));
        c.connect().get(5, TimeUnit.SECONDS);
        server.takeCommand(T);
        c.execute(Migrations.set(
                MigrateSetParameters.builder().extra("compress-method", TextNode.valueOf("zstd")).build())).get(5, TimeUnit.SECONDS);
        assertEquals("migrate-set-parameters", server.takeCommand(T).name());
        c.executeRaw("x-anything", null).get(5, TimeUnit.SECONDS);
        assertEquals("x-anything", server.takeCommand(T).name());
    }

    @Test
    void closeFailsPendingCallsAndIsIdempotent() throws Exception {
        server.on("hang", (cmd, conn) -> { });
        QmpClient c = connected();
        CompletableFuture<JsonNode> f = c.executeRaw("hang", null);
        server.takeCommand(T);
        c.close();
        c.close();
        Throwable t = failure(f);
        assertInstanceOf(QmpDisconnectedException.class, t);
        assertEquals(QmpState.CLOSED, c.state());
    }

    @Test
    void clientWithItsOwnResourcesReleasesThemOnClose() throws Exception {
        QmpClient c = QmpClient.create(server.endpoint());
        c.connect().get(5, TimeUnit.SECONDS);
        c.close();
        assertEquals(QmpState.CLOSED, c.state());
        assertThrows(NullPointerException.class, () -> c.execute(null));
    }

    @Test
    void newBuilderMakesAnIndependentClientWithTheSameOptions() throws Exception {
        QmpClient c = connected();
        c.close();
        server.awaitConnection(T).awaitClosed(T);
        QmpClient again = c.newBuilder().build();
        clients.add(again);
        again.connect().get(5, TimeUnit.SECONDS);
        assertEquals(QmpState.RUNNING, again.state());
    }
}

package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import io.qmp4j.core.Greeting;
import io.qmp4j.core.MalformedReplyException;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpErrorClass;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpProtocolException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.QmpTimeoutException;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.qapi.StatusInfo;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.QmpEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The framing, decoding and correlation of a session, on Netty's EmbeddedChannel. */
@Timeout(10)
class QmpSessionTest {

    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
            + " \"package\": \"Debian\"}, \"capabilities\": [\"oob\"]}}\r\n";

    private HashedWheelTimer timer;
    private EmbeddedChannel ch;
    private EventHub hub;
    private QmpSession session;

    @BeforeEach
    void setUp() {
        timer = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);
        ch = new EmbeddedChannel();
    }

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
        timer.stop();
    }

    private CompletableFuture<Greeting> attach(boolean oob, int maxFrame, Duration commandTimeout) {
        hub = new EventHub(Runnable::run, timer, 16, "test");
        session = new QmpSession(new SessionConfig(QmpEndpoint.unix(Path.of("/nonexistent")), null, Runnable::run, timer,
                Duration.ofSeconds(5), commandTimeout, oob, maxFrame, 8, 16, "test", false, false), hub);
        return session.attach(ch);
    }

    /** Attaches, greets, answers the negotiation. */
    private void running() {
        CompletableFuture<Greeting> g = attach(true, 1 << 20, Duration.ofSeconds(30));
        feed(GREETING);
        assertEquals("{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]},\"id\":0}", readOutbound());
        feed("{\"return\": {}, \"id\": 0}\r\n");
        assertTrue(g.isDone());
        assertEquals(QmpState.RUNNING, session.state());
        assertTrue(session.oobEnabled());
    }

    private void feed(String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        ch.runPendingTasks();
    }

    private String readOutbound() {
        ch.runPendingTasks();
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    private static QmpException cause(CompletableFuture<?> f) {
        try {
            f.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (QmpException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("future completed normally");
    }

    @Test
    void greetingSplitAcrossReadsIsReassembled() {
        CompletableFuture<Greeting> g = attach(true, 1 << 20, Duration.ofSeconds(30));
        feed(GREETING.substring(0, 17));
        assertEquals("", readOutbound(), "nothing is sent before the greeting is complete");
        feed(GREETING.substring(17));
        assertTrue(readOutbound().startsWith("{\"execute\":\"qmp_capabilities\""));
        feed("{\"return\": {}, \"id\": 0}");
        Greeting greeting = g.join();
        assertEquals(7, greeting.version().qemu().major());
        assertEquals(2, greeting.version().qemu().minor());
        assertEquals(22, greeting.version().qemu().micro());
        assertEquals(List.of("oob"), greeting.capabilities());
    }

    @Test
    void oobDisabledNegotiatesWithoutArguments() {
        attach(false, 1 << 20, Duration.ofSeconds(30));
        feed(GREETING);
        assertEquals("{\"execute\":\"qmp_capabilities\",\"id\":0}", readOutbound());
    }

    @Test
    void eventsBeforeTheGreetingAreDelivered() {
        attach(true, 1 << 20, Duration.ofSeconds(30));
        EventSubscription sub = hub.subscribe(Set.of());
        feed("{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 5}}\r\n" + GREETING);
        assertEquals("RESUME", sub.poll().orElseThrow().name());
        assertTrue(readOutbound().contains("qmp_capabilities"), "the greeting after the event still counts");
    }

    @Test
    void severalObjectsInOneBufferAreAllHandled() {
        running();
        EventSubscription sub = hub.subscribe(Set.of());
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        CompletableFuture<JsonNode> b = session.submit(QmpCommand.raw("b", null), null, null);
        assertEquals("{\"execute\":\"a\",\"id\":1}{\"execute\":\"b\",\"id\":2}", readOutbound(),
                "commands submitted together are written compactly and flushed together");
        feed("{\"return\": 1, \"id\": 1}\r\n{\"event\": \"STOP\", \"data\": {}, \"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 250}}\r\n{\"return\": 2, \"id\": 2}\r\n");
        assertEquals(1, a.join().asInt());
        assertEquals(2, b.join().asInt());
        QmpEvent stop = sub.poll().orElseThrow();
        assertEquals("STOP", stop.name());
        assertEquals(1700000000L, stop.timestamp().getEpochSecond());
        assertEquals(250_000, stop.timestamp().getNano());
    }

    @Test
    void prettyPrintedObjectsSpanningLinesAreFramedByBraces() {
        running();
        CompletableFuture<StatusInfo> f = session.submit(new QueryStatus(), null, null);
        readOutbound();
        feed("{\n    \"return\": {\n        \"status\": \"running\",\n        \"singlestep\": false,\n"
                + "        \"running\": true\n    },\n    \"id\": 1\n}\n");
        assertEquals(new StatusInfo(true, RunState.RUNNING, false), f.join());
    }

    @Test
    void repliesAreMatchedByIdNotByOrder() {
        running();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        CompletableFuture<JsonNode> b = session.submit(QmpCommand.raw("b", null), null, null);
        readOutbound();
        feed("{\"return\": \"second\", \"id\": 2}{\"return\": \"first\", \"id\": 1}");
        assertEquals("first", a.join().asText());
        assertEquals("second", b.join().asText());
    }

    @Test
    void unknownIdIsDroppedAndTheSessionGoesOn() {
        running();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        readOutbound();
        feed("{\"return\": {}, \"id\": 999}{\"return\": {}, \"id\": \"foreign\"}");
        assertFalse(a.isDone());
        assertEquals(QmpState.RUNNING, session.state());
        feed("{\"return\": {}, \"id\": 1}");
        assertTrue(a.isDone());
    }

    @Test
    void messageThatIsNeitherReplyNorEventIsIgnoredAndTheSessionGoesOn() {
        running();
        EventSubscription sub = hub.subscribe(Set.of());
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        readOutbound();
        feed("{\"id\": 1}{\"QMP\": {}}");
        assertFalse(a.isDone(), "an id alone is no reply");
        assertTrue(sub.poll().isEmpty());
        assertEquals(QmpState.RUNNING, session.state());
        feed("{\"return\": 7, \"id\": 1}");
        assertEquals(7, a.join().asInt());
    }

    @Test
    void errorWithoutIdEndsTheSessionAndFailsPendingCommands() {
        running();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        readOutbound();
        feed("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, invalid keyword\"}}");
        QmpException e = cause(a);
        assertInstanceOf(QmpDisconnectedException.class, e);
        assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertTrue(e.getMessage().contains("could not parse"), e.getMessage());
        assertFalse(ch.isOpen());
        assertEquals(QmpState.CLOSED, session.state());
    }

    @Test
    void commandErrorKeepsClassDescriptionNameAndId() {
        running();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("frobnicate", null), null, null);
        CompletableFuture<JsonNode> b = session.submit(QmpCommand.raw("b", null), null, null);
        readOutbound();
        feed("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command frobnicate has not been found\"}, \"id\": 1}"
                + "{\"error\": {\"class\": \"SomeFutureClass\", \"desc\": \"new\"}, \"id\": 2}");
        QmpCommandException e = (QmpCommandException) cause(a);
        assertEquals(QmpErrorClass.COMMAND_NOT_FOUND, e.errorClass());
        assertEquals("frobnicate", e.command());
        assertEquals("1", e.id());
        assertEquals("The command frobnicate has not been found", e.description());
        assertEquals("SomeFutureClass", ((QmpCommandException) cause(b)).errorClass().name(), "an unknown class is kept as is");
        assertEquals(QmpState.RUNNING, session.state());
    }

    @Test
    void oversizedFrameEndsTheSessionWithATypedError() {
        CompletableFuture<Greeting> g = attach(true, 1024, Duration.ofSeconds(30));
        feed(GREETING);
        readOutbound();
        feed("{\"return\": {}, \"id\": 0}");
        g.join();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        readOutbound();
        feed("{\"return\": \"" + "x".repeat(4096) + "\", \"id\": 1}");
        QmpException e = cause(a);
        assertInstanceOf(MalformedReplyException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("1024"), e.getCause().getMessage());
        assertFalse(ch.isOpen());
    }

    @Test
    void bytesThatAreNotJsonEndTheSession() {
        running();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        readOutbound();
        feed("this is not json\r\n");
        assertInstanceOf(MalformedReplyException.class, cause(a).getCause());
        assertFalse(ch.isOpen());
    }

    @Test
    void bracesThatBalanceButAreNotJsonEndTheSession() {
        running();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        readOutbound();
        feed("{\"return\": tru, \"id\": 1}");
        assertInstanceOf(MalformedReplyException.class, cause(a).getCause());
    }

    @Test
    void replyThatDoesNotFitTheResultTypeFailsOnlyThatCommand() {
        running();
        CompletableFuture<StatusInfo> a = session.submit(new QueryStatus(), null, null);
        readOutbound();
        feed("{\"return\": [1, 2], \"id\": 1}");
        assertInstanceOf(MalformedReplyException.class, cause(a));
        assertEquals(QmpState.RUNNING, session.state());
    }

    @Test
    void atMostEightInBandCommandsAreOnTheWireWithOob() {
        running();
        List<CompletableFuture<JsonNode>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(session.submit(QmpCommand.raw("c", null), null, null));
        }
        String out = readOutbound();
        assertEquals(8, count(out, "\"execute\""), out);
        // An out-of-band command is never held back by the window.
        session.submit(new QmpCommand.Raw("migrate-pause", null, true), null, null);
        assertEquals("{\"exec-oob\":\"migrate-pause\",\"id\":21}", readOutbound().replaceAll("\"id\":\\d+", "\"id\":21"));
        feed("{\"return\": {}, \"id\": 1}{\"return\": {}, \"id\": 2}");
        assertEquals("", readOutbound(), "the window refills once half of it is free, not slot by slot");
        CompletableFuture<JsonNode> late = session.submit(QmpCommand.raw("late", null), null, null);
        assertEquals("", readOutbound(), "a command sent while others wait queues behind them, window or not");
        feed("{\"return\": {}, \"id\": 3}{\"return\": {}, \"id\": 4}");
        ch.runPendingTasks();
        ByteBuf burst = ch.readOutbound();
        String refill = burst.toString(StandardCharsets.UTF_8);
        burst.release();
        assertEquals("{\"execute\":\"c\",\"id\":10}{\"execute\":\"c\",\"id\":11}{\"execute\":\"c\",\"id\":12}"
                + "{\"execute\":\"c\",\"id\":13}", refill, "four queued commands, in order, in one write (id 9: the OOB one)");
        assertEquals("", readOutbound());
        for (int id = 5; id <= 17; id++) {
            feed("{\"return\": {}, \"id\": " + id + "}");
        }
        String rest = readOutbound();
        assertEquals(9, count(rest, "\"execute\""), rest);
        assertTrue(rest.endsWith("{\"execute\":\"late\",\"id\":22}"), "the late command last: " + rest);
        assertFalse(late.isDone());
    }

    @Test
    void withoutOobNothingIsHeldBack() {
        CompletableFuture<Greeting> g = attach(false, 1 << 20, Duration.ofSeconds(30));
        feed(GREETING);
        readOutbound();
        feed("{\"return\": {}, \"id\": 0}");
        g.join();
        for (int i = 0; i < 20; i++) {
            session.submit(new QmpCommand.Raw("c", null, true), null, null);
        }
        String out = readOutbound();
        assertEquals(20, count(out, "\"execute\""), "no exec-oob without the oob capability");
    }

    @Test
    void timedOutCommandFailsAndItsLateReplyIsDropped() throws Exception {
        running();
        CompletableFuture<JsonNode> slow = session.submit(QmpCommand.raw("slow", null), Duration.ofMillis(20), null);
        readOutbound();
        QmpException e;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!slow.isDone() && System.nanoTime() < deadline) {
            ch.runPendingTasks();
            Thread.sleep(5);
        }
        e = cause(slow);
        assertInstanceOf(QmpTimeoutException.class, e);
        assertTrue(e.getMessage().contains("'slow' (id 1)"), e.getMessage());
        CompletableFuture<JsonNode> next = session.submit(QmpCommand.raw("next", null), null, null);
        readOutbound();
        feed("{\"return\": \"late\", \"id\": 1}{\"return\": \"ok\", \"id\": 2}");
        assertEquals("ok", next.join().asText());
        assertEquals(QmpState.RUNNING, session.state());
    }

    @Test
    void commandArgumentsAreCompactAndOmitNulls() {
        running();
        record Args(String a, Integer b) {
        }
        record Cmd(String device, Args opts, Boolean force) implements QmpCommand<Void> {
            @Override
            public String commandName() {
                return "x-test";
            }

            @Override
            public java.lang.reflect.Type resultType() {
                return Void.class;
            }
        }
        CompletableFuture<Void> f = session.submit(new Cmd("d0", new Args("v", null), null), null, null);
        assertEquals("{\"execute\":\"x-test\",\"arguments\":{\"device\":\"d0\",\"opts\":{\"a\":\"v\"}},\"id\":1}", readOutbound());
        feed("{\"return\": {}, \"id\": 1}");
        assertNull(f.join());
    }

    @Test
    void closingFailsPendingCommandsAndEndsSubscriptions() {
        running();
        EventSubscription sub = hub.subscribe(Set.of());
        CompletableFuture<QmpEvent> waiting = sub.next();
        CompletableFuture<JsonNode> a = session.submit(QmpCommand.raw("a", null), null, null);
        readOutbound();
        session.close();
        ch.runPendingTasks();
        QmpException e = cause(a);
        assertInstanceOf(QmpDisconnectedException.class, e);
        assertTrue(e.getMessage().contains("client closed"), e.getMessage());
        assertInstanceOf(QmpDisconnectedException.class, cause(waiting));
        assertEquals(QmpState.CLOSED, session.state());
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}

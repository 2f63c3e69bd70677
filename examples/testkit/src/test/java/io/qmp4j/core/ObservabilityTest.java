package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.testkit.FakeQmpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a control plane sees of a client: its listener's calls and the JFR events, against the fake server. */
class ObservabilityTest {

    private FakeQmpServer server;
    private QmpResources resources;
    private final List<String> heard = new CopyOnWriteArrayList<>();

    private final QmpListener listener = new QmpListener() {
        @Override
        public void stateChanged(QmpEndpoint endpoint, QmpState from, QmpState to) {
            heard.add("state " + from + "->" + to);
        }

        @Override
        public void commandCompleted(QmpEndpoint endpoint, String command, Duration latency, Throwable failure) {
            assertTrue(!latency.isNegative(), "a latency");
            heard.add("command " + command + " " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
        }

        @Override
        public void eventReceived(QmpEndpoint endpoint, QmpEvent event) {
            heard.add("event " + event.name());
        }

        @Override
        public void eventDropped(QmpEndpoint endpoint, QmpEvent event) {
            heard.add("dropped " + event.name() + " " + event.data().path("n").asInt());
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        server = FakeQmpServer.start();
        server.on("poke", (cmd, conn) -> {
            conn.reply(cmd, "{}");
            for (int i = 1; i <= 3; i++) {
                conn.event("TICK", "{\"n\": " + i + "}");
            }
        });
        server.on("frobnicate", (cmd, conn) -> conn.error(cmd, "CommandNotFound", "The command frobnicate has not been found"));
        resources = QmpResources.builder().listener(listener).build();
    }

    @AfterEach
    void tearDown() {
        resources.close();
        server.close();
    }

    @Test
    void theListenerHearsStatesCommandsEventsAndDrops() throws Exception {
        QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).schemaCheck(false).build();
        try (EventSubscription one = c.events().subscription().names(Set.of("TICK")).capacity(1)
                .overflow(OverflowPolicy.DROP_NEWEST).open()) {
            c.connect().get(5, TimeUnit.SECONDS);
            c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
            c.executeRaw("poke", null).get(5, TimeUnit.SECONDS);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> c.executeRaw("frobnicate", null).get(5, TimeUnit.SECONDS));
            assertInstanceOf(QmpCommandException.class, e.getCause());
            assertEquals(1, one.poll().orElseThrow().data().path("n").asInt());
        }
        c.close();
        awaitHeard("state CLOSING->CLOSED");
        assertEquals(List.of("state IDLE->CONNECTING", "state CONNECTING->NEGOTIATING", "state NEGOTIATING->RUNNING"),
                heard.stream().filter(s -> s.startsWith("state")).toList().subList(0, 3));
        assertTrue(heard.contains("command query-status ok"), heard.toString());
        assertTrue(heard.contains("command poke ok"), heard.toString());
        assertTrue(heard.contains("command frobnicate QmpCommandException"), heard.toString());
        assertEquals(List.of("event TICK", "event TICK", "event TICK"), heard.stream().filter(s -> s.startsWith("event")).toList());
        assertEquals(List.of("dropped TICK 2", "dropped TICK 3"), heard.stream().filter(s -> s.startsWith("dropped")).toList(),
                "the subscription of capacity 1 kept the first and lost the two after it");
    }

    @Test
    void aListenerThatThrowsChangesNothing() throws Exception {
        QmpListener broken = new QmpListener() {
            @Override
            public void commandCompleted(QmpEndpoint endpoint, String command, Duration latency, Throwable failure) {
                throw new IllegalStateException("listener bug");
            }
        };
        QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).listener(broken).schemaCheck(false).build();
        c.connect().get(5, TimeUnit.SECONDS);
        server.on("query-status", (cmd, conn) -> conn.reply(cmd, "{\"status\": \"running\", \"running\": true}"));
        assertEquals("running", c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status().value(),
                "the command completes with its reply all the same");
        c.close();
        assertTrue(heard.stream().noneMatch(s -> s.startsWith("command")), "the client's own listener replaces the resources' one");
    }

    @Test
    void commandsAndSessionStatesAreJfrEvents(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("qmp.jfr");
        try (Recording r = new Recording()) {
            r.enable("io.qmp4j.Command");
            r.enable("io.qmp4j.SessionState");
            r.enable("io.qmp4j.QmpEvent");
            r.start();
            try (QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).schemaCheck(false).build()) {
                c.connect().get(5, TimeUnit.SECONDS);
                c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
                c.executeRaw("poke", null).get(5, TimeUnit.SECONDS);
                c.executeRaw("frobnicate", null).exceptionally(t -> null).get(5, TimeUnit.SECONDS);
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        RecordedEvent status = events.stream().filter(e -> e.getEventType().getName().equals("io.qmp4j.Command")
                && "query-status".equals(e.getString("command"))).findFirst().orElseThrow();
        assertEquals("ok", status.getString("outcome"));
        assertEquals(server.endpoint().toString(), status.getString("endpoint"));
        assertTrue(!status.getDuration().isNegative());
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.qmp4j.Command")
                && "frobnicate".equals(e.getString("command")) && "CommandNotFound".equals(e.getString("outcome"))), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.qmp4j.SessionState")
                && "RUNNING".equals(e.getString("to"))));
        assertEquals(3, events.stream().filter(e -> e.getEventType().getName().equals("io.qmp4j.QmpEvent")
                && "TICK".equals(e.getString("name"))).count());
    }

    private void awaitHeard(String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!heard.contains(what) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(heard.contains(what), heard.toString());
    }
}

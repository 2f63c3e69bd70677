package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.qapi.BlockJobCancel;
import io.qmp4j.core.qapi.CommandInfo;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryCommands;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.qapi.StatusInfo;
import io.qmp4j.testkit.FakeQmpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The generated commands through the client, against the fake server: sent, answered, decoded by their own code. */
@Timeout(20)
class GeneratedCommandsTest {

    private static final Duration T = Duration.ofSeconds(5);
    private FakeQmpServer server;
    private QmpResources resources;
    private QmpClient client;

    @BeforeEach
    void start() throws Exception {
        server = FakeQmpServer.start();
        resources = QmpResources.create();
        client = QmpClient.builder().endpoint(server.endpoint()).resources(resources).schemaCheck(false).build();
        client.connect().get(5, TimeUnit.SECONDS);
        server.takeCommand(T);
    }

    @AfterEach
    void stop() {
        client.close();
        resources.close();
        server.close();
    }

    @Test
    void resultsAreDecodedByTheGeneratedReadersKeepingWhatTheyDoNotKnow() throws Exception {
        server.on("query-status", (cmd, conn) -> conn.reply(cmd, "{\"running\": true, \"status\": \"running\", \"x-new\": 7}"));
        server.on("query-commands", (cmd, conn) -> conn.reply(cmd, "[{\"name\": \"quit\"}, {\"name\": \"query-status\"}]"));
        server.on("query-migrate", (cmd, conn) -> conn.reply(cmd, "{\"status\": \"wormhole\"}"));
        StatusInfo s = client.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
        assertEquals(RunState.RUNNING, s.status());
        assertEquals(7, s.extra().get("x-new").asInt());
        List<CommandInfo> cmds = client.execute(new QueryCommands()).get(5, TimeUnit.SECONDS);
        assertEquals("query-status", cmds.get(1).name());
        MigrationInfo m = client.execute(new QueryMigrate()).get(5, TimeUnit.SECONDS);
        assertEquals(MigrationStatus.Known.OTHER, m.status().known());
        assertEquals("wormhole", m.status().value());
    }

    @Test
    void aReplyThatIsNotWhatTheCommandReturnsIsAMalformedReply() throws Exception {
        server.on("query-status", (cmd, conn) -> conn.reply(cmd, "[1, 2]"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> client.execute(new QueryStatus()).get(5, TimeUnit.SECONDS));
        MalformedReplyException m = assertInstanceOf(MalformedReplyException.class, e.getCause());
        assertTrue(m.getMessage().contains("query-status"), m.getMessage());
    }

    @Test
    void argumentsAreSentAsTheSchemaNamesThemAndARequiredOneIsCheckedFirst() throws Exception {
        server.on("block-job-cancel", (cmd, conn) -> conn.reply(cmd, "{}"));
        assertNull(client.execute(new BlockJobCancel("job0", true)).get(5, TimeUnit.SECONDS));
        FakeQmpServer.ReceivedCommand sent = server.takeCommand(T);
        assertEquals("{\"device\":\"job0\",\"force\":true}", sent.arguments().toString());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.execute(new BlockJobCancel(null, null)).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("member 'device' is required"), e.getCause().getMessage());
    }

    @Test
    void quitCompletesWhenQemuClosesTheSocketFirst() throws Exception {
        server.on("quit", (cmd, conn) -> conn.drop());
        assertNull(client.execute(new Quit()).get(5, TimeUnit.SECONDS));
    }
}

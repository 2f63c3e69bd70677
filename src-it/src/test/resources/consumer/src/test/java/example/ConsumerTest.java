package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.migration.Migration;
import io.qmp4j.testkit.FakeQmpServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a user writes first: a client against the test kit's fake QEMU, and the SDK's builder on the classpath. */
class ConsumerTest {

    @Test
    void aClientTalksToTheFakeServer() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start();
             QmpClient qmp = QmpClient.create(server.endpoint())) {
            server.on("query-status", (cmd, conn) -> conn.reply(cmd, "{\"status\": \"running\", \"running\": true}"));
            qmp.connect().get(5, TimeUnit.SECONDS);
            assertEquals(RunState.RUNNING, qmp.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
            Migration.Builder b = Migration.builder(); // the SDK resolves with its own dependencies
            assertEquals(Migration.Builder.class, b.getClass());
        }
    }
}

package io.qmp4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.migration.MigrationProgress.Phase;
import io.qmp4j.testkit.FakeQmpServer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters, filled by a client against the fake server and by a job's listener calls. */
class QmpMetricsTest {

    @Test
    void commandsEventsDropsSessionsAndMigrationsAreMeasured() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        QmpMetrics metrics = new QmpMetrics(registry);
        try (FakeQmpServer server = FakeQmpServer.start();
             QmpResources resources = QmpResources.builder().listener(metrics).build()) {
            server.on("poke", (cmd, conn) -> {
                conn.reply(cmd, "{}");
                conn.event("TICK", "{}");
                conn.event("TICK", "{}");
            });
            server.on("frobnicate", (cmd, conn) -> conn.error(cmd, "CommandNotFound", "no such command"));
            QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).schemaCheck(false).build();
            try (EventSubscription one = c.events().subscription().names(Set.of("TICK")).capacity(1)
                    .overflow(OverflowPolicy.DROP_NEWEST).open()) {
                c.connect().get(5, TimeUnit.SECONDS);
                assertEquals(1.0, registry.get("qmp4j.sessions.running").gauge().value());
                for (int i = 0; i < 3; i++) {
                    c.executeRaw("poke", null).get(5, TimeUnit.SECONDS);
                }
                c.executeRaw("frobnicate", null).exceptionally(t -> null).get(5, TimeUnit.SECONDS);
            }
            c.close();
            assertEquals(3, registry.get("qmp4j.command").tags("command", "poke", "outcome", "ok").timer().count());
            assertEquals(1, registry.get("qmp4j.command").tags("command", "frobnicate", "outcome", "CommandNotFound").timer().count());
            assertEquals(6.0, registry.get("qmp4j.events").tags("event", "TICK").counter().count());
            assertEquals(5.0, registry.get("qmp4j.events.dropped").tags("event", "TICK").counter().count(),
                    "a subscription of one kept the first TICK");
            assertEquals(0.0, registry.get("qmp4j.commands.in.flight").gauge().value());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (registry.get("qmp4j.sessions.running").gauge().value() != 0.0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0.0, registry.get("qmp4j.sessions.running").gauge().value());
        }
        metrics.phaseChanged("j1", null, Phase.PREFLIGHT);
        metrics.phaseChanged("j1", Phase.PREFLIGHT, Phase.SETUP);
        assertEquals(1.0, registry.get("qmp4j.migrations.running").gauge().value());
        metrics.stepUndone("j1", "restored capabilities events on the source");
        metrics.finished("j1", null, new IllegalStateException("refused"));
        assertEquals(0.0, registry.get("qmp4j.migrations.running").gauge().value());
        assertEquals(1, registry.get("qmp4j.migration").tags("outcome", "REFUSED").timer().count());
        assertEquals(1.0, registry.get("qmp4j.migration.steps.undone").tags("result", "undone").counter().count());
    }
}

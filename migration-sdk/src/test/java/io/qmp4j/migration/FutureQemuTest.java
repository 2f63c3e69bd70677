package io.qmp4j.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.testkit.FakeQmpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK against QEMUs newer than any it was built for, played by two {@link FakeQemu}s: statuses,
 * members and enum values that no QEMU here sends (a status a future QEMU adds, members in every
 * reply, a capability and a parameter the SDK does not know) must not break a migration, and what
 * the SDK does know is still read right. QEMU's real schema (7.2) gates what is sent.
 */
@Timeout(30)
class FutureQemuTest {

    private QmpResources resources;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void resources() {
        resources = QmpResources.create();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        resources.close();
    }

    private FakeQemu qemu(String runState, List<String> statuses) {
        FakeQemu q = new FakeQemu(runState, statuses);
        closing.add(q);
        return q;
    }

    /** A {@code migrate-set-*} command in a stable order: capabilities sorted by name. */
    private static String setting(FakeQmpServer.ReceivedCommand c) {
        if (c.name().equals("migrate-set-parameters")) {
            return "parameters " + c.arguments();
        }
        java.util.TreeMap<String, Boolean> caps = new java.util.TreeMap<>();
        c.arguments().path("capabilities").forEach(x -> caps.put(x.path("capability").asText(), x.path("state").asBoolean()));
        return "capabilities " + caps;
    }

    @Test
    void unknownStatusesMembersAndValuesDoNotBreakAMigration() throws Exception {
        FakeQemu source = qemu("running", List.of("setup", "future-setup-stage", "active", "future-active-stage", "device",
                "completed"));
        FakeQemu destination = qemu("inmigrate", List.of());
        source.to(destination);
        QmpClient src = source.client(resources);
        QmpClient dst = destination.client(resources);
        closing.add(0, src);
        closing.add(0, dst);
        List<MigrationStatus> seen = new CopyOnWriteArrayList<>();
        MigrationResult r;
        try {
            r = Migration.builder().source(src).destination(dst).uri(MigrationUri.tcp("127.0.0.1", 4444))
                    .pollInterval(java.time.Duration.ofMillis(20)).progressListener(p -> seen.add(p.status())).build().start()
                    .completion().get(20, TimeUnit.SECONDS);
        } finally {
            System.out.println("source got " + new java.util.LinkedHashSet<>(source.received) + "; destination got "
                    + new java.util.LinkedHashSet<>(destination.received) + "; statuses seen " + seen);
        }
        assertTrue(r.succeeded(), r.toString());
        List<String> sets = source.server.receivedCommands().stream().filter(c -> c.name().startsWith("migrate-set"))
                .map(FutureQemuTest::setting).toList();
        assertEquals(List.of("capabilities {events=true, future-capability=false}", "parameters {\"max-bandwidth\":10737418240}",
                "parameters {\"max-bandwidth\":134217728}", "capabilities {events=false, future-capability=true}"), sets,
                "a capability the SDK does not know is off during the migration, as every one it does not want, and restored"
                        + " after; a parameter it does not know is never sent");
        assertEquals(1200, r.totalTime().toMillis());
        assertEquals(40, r.downtime().toMillis());
        assertEquals(source.transferred(), r.transferredBytes(), "the last figure QEMU gave");
        assertTrue(seen.contains(MigrationStatus.of("future-active-stage")) && !MigrationStatus.of("future-active-stage").isKnown(),
                "an unknown status is kept as sent, and the job waits on: " + seen);
        assertTrue(source.objects.isEmpty() && destination.objects.isEmpty(), "the job's records are removed: " + source.objects
                + destination.objects);
    }
}

package io.qmp4j.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.command.MigrationStatus;
import io.qmp4j.testkit.FakeQmpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK against QEMUs newer than any it was built for, played by two fake QMP servers: statuses,
 * members and enum values that no QEMU here sends (a status a future QEMU adds, members in every
 * reply, a capability and a parameter the SDK does not know) must not break a migration, and what
 * the SDK does know is still read right. QEMU's real schema (7.2) gates what is sent.
 */
@Timeout(30)
class FutureQemuTest {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    /**
     * A fake QEMU that answers as a newer one might: every reply with a member no QEMU has yet, a
     * capability {@code future-capability} and a parameter {@code future-parameter}; its QOM
     * objects kept, so that the job's records can be written, read and removed. A source runs its
     * migration through {@code statuses}, one per {@code query-migrate}, sending each as a
     * {@code MIGRATION} event too.
     */
    private static final class FutureQemu implements AutoCloseable {
        final FakeQmpServer server = FakeQmpServer.start();
        final List<String> received = new CopyOnWriteArrayList<>();
        final Map<String, ObjectNode> objects = new LinkedHashMap<>();
        final List<String> statuses;
        volatile String runState;
        volatile int step = -1;
        /** A destination's incoming migration, as its source's migration left it; {@code null} before. */
        volatile String incoming;
        /** A source's destination. */
        FutureQemu destination;

        FutureQemu(String runState, List<String> statuses) {
            this.runState = runState;
            this.statuses = statuses;
            // Its schema is 7.2's with one capability more, as a newer QEMU's would be.
            String schema = FakeQmpServer.qemu72Schema().replace("{\"name\": \"postcopy-preempt\"}]",
                    "{\"name\": \"postcopy-preempt\"}, {\"name\": \"future-capability\"}]").replace("\"postcopy-preempt\"]",
                    "\"postcopy-preempt\", \"future-capability\"]");
            reply("query-qmp-schema", (c, conn) -> schema);
            reply("qom-get", (c, conn) -> qomGet(c, conn));
            reply("query-status", (c, conn) -> "{\"status\": \"" + this.runState + "\", \"running\": " + this.runState.equals("running")
                    + ", \"singlestep\": false, \"future-member\": 1}");
            reply("query-kvm", (c, conn) -> "{\"enabled\": true, \"present\": true, \"future-member\": 1}");
            reply("query-block", (c, conn) -> "[]");
            reply("query-named-block-nodes", (c, conn) -> "[]");
            reply("query-block-jobs", (c, conn) -> "[]");
            reply("query-jobs", (c, conn) -> "[]");
            reply("query-cpus-fast", (c, conn) -> "[{\"cpu-index\": 0, \"qom-path\": \"/machine/unattached/device[0]\", \"thread-id\": 42,"
                    + " \"target\": \"x86_64\", \"props\": {\"core-id\": 0, \"thread-id\": 0, \"socket-id\": 0}, \"future-member\": 1}]");
            reply("query-migrate-capabilities", (c, conn) -> "[{\"capability\": \"xbzrle\", \"state\": false},"
                    + " {\"capability\": \"events\", \"state\": false}, {\"capability\": \"pause-before-switchover\", \"state\": false},"
                    + " {\"capability\": \"future-capability\", \"state\": true}]");
            reply("query-migrate-parameters", (c, conn) -> "{\"downtime-limit\": 300, \"max-bandwidth\": 134217728,"
                    + " \"multifd-channels\": 2, \"tls-creds\": \"\", \"tls-hostname\": \"\", \"future-parameter\": {\"nested\": [1, 2]}}");
            reply("query-migrate", (c, conn) -> migrateInfo(conn));
            reply("migrate", (c, conn) -> {
                step = 0;
                return "{}";
            });
            reply("object-add", (c, conn) -> {
                objects.put(c.arguments().path("id").asText(), (ObjectNode) c.arguments());
                return "{}";
            });
            reply("object-del", (c, conn) -> {
                objects.remove(c.arguments().path("id").asText());
                return "{}";
            });
            reply("qom-set", (c, conn) -> {
                String id = c.arguments().path("path").asText().replace("/objects/", "");
                objects.get(id).set(c.arguments().path("property").asText(), c.arguments().path("value"));
                return "{}";
            });
            reply("qom-list", (c, conn) -> {
                ArrayNode a = JSON.createArrayNode();
                objects.forEach((id, o) -> a.addObject().put("name", id).put("type", "child<" + o.path("qom-type").asText() + ">"));
                return a.toString();
            });
        }

        /** QOM: the job's record objects, the machine's type and the vCPU's model, as {@code qom-get} reads them. */
        private String qomGet(FakeQmpServer.ReceivedCommand c, FakeQmpServer.Connection conn) throws IOException {
            String path = c.arguments().path("path").asText();
            String property = c.arguments().path("property").asText();
            if (path.equals("/machine") && property.equals("type")) {
                return "\"pc-q35-7.2-machine\"";
            }
            if (path.startsWith("/machine/unattached/device")) {
                return "\"qemu64-x86_64-cpu\"";
            }
            ObjectNode o = objects.get(path.replace("/objects/", ""));
            if (o == null) {
                conn.error(c, "DeviceNotFound", "Device '" + path + "' not found");
                return null;
            }
            return JSON.writeValueAsString(o.path(property));
        }

        /** The source's migration, a step further at each query: unknown members at every level. */
        private String migrateInfo(FakeQmpServer.Connection conn) throws IOException {
            String status;
            if (incoming != null) {
                status = incoming;
            } else if (step < 0) {
                return "{\"future-member\": {}}";
            } else {
                status = statuses.get(Math.min(step, statuses.size() - 1));
                step++;
                conn.event("MIGRATION", "{\"status\": \"" + status + "\"}");
                if (status.equals("completed")) {
                    runState = "postmigrate";
                    destination.incoming = "completed";
                    destination.runState = "running";
                }
            }
            return "{\"status\": \"" + status + "\", \"total-time\": 1200, \"downtime\": 40, \"setup-time\": 5,"
                    + " \"ram\": {\"transferred\": 1048576, \"remaining\": 0, \"total\": 268435456, \"duplicate\": 0,"
                    + " \"normal\": 256, \"normal-bytes\": 1048576, \"dirty-sync-count\": 2, \"mbps\": 800.5,"
                    + " \"future-counter\": 7}, \"future-statistics\": {\"x\": [1, 2, 3]}, \"future-flag\": true}";
        }

        /** The reply's {@code return} value, or {@code null} when it answered itself (an error). */
        private interface Answer {
            String answer(FakeQmpServer.ReceivedCommand c, FakeQmpServer.Connection conn) throws IOException;
        }

        private void reply(String command, Answer a) {
            server.on(command, (c, conn) -> {
                received.add(c.name() + (c.name().startsWith("qom-") ? " " + c.arguments().path("path").asText() : ""));
                String answer = a.answer(c, conn);
                if (answer != null) {
                    conn.reply(c, answer);
                }
            });
        }

        QmpClient client(QmpResources resources) throws Exception {
            QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).build();
            c.connect().get(5, TimeUnit.SECONDS);
            return c;
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private FutureQemu qemu(String runState, List<String> statuses) {
        FutureQemu q = new FutureQemu(runState, statuses);
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
        FutureQemu source = qemu("running", List.of("setup", "future-setup-stage", "active", "future-active-stage", "device",
                "completed"));
        FutureQemu destination = qemu("inmigrate", List.of());
        source.destination = destination;
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
        assertEquals(1048576, r.transferredBytes());
        assertTrue(seen.contains(MigrationStatus.UNKNOWN), "an unknown status reads as UNKNOWN, and the job waits on: " + seen);
        assertTrue(source.objects.isEmpty() && destination.objects.isEmpty(), "the job's records are removed: " + source.objects
                + destination.objects);
    }
}

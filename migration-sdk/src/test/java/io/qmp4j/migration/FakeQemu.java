package io.qmp4j.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.testkit.FakeQmpServer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fake QEMU for the SDK's tests, on the test kit's fake QMP server: a running VM or one waiting
 * for an incoming migration, answering in a newer QEMU's way (a member no QEMU has yet in every
 * reply, a capability {@code future-capability} and a parameter {@code future-parameter} in a
 * schema that is 7.2's with that capability more). It keeps its QOM objects, so that a job's
 * records can be written, read and removed. A source runs its migration through {@code statuses},
 * one step per {@code query-migrate}, sending each as a {@code MIGRATION} event too; it can be
 * held at a status until {@link #release()}, and takes {@code migrate_cancel}.
 */
public final class FakeQemu implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final FakeQmpServer server = FakeQmpServer.start();
    public final List<String> received = new CopyOnWriteArrayList<>();
    public final Map<String, ObjectNode> objects = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> statuses;
    private volatile String runState;
    private volatile int step = -1;
    private volatile String incoming;
    private volatile FakeQemu destination;
    private volatile String holdAt;
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean cancelled;
    private volatile long dirtyRateMiB = -1;
    private volatile long transferred;

    /**
     * @param runState {@code running} for a source, {@code inmigrate} for a destination
     * @param statuses a source's migration, status by status (empty for a destination)
     */
    public FakeQemu(String runState, List<String> statuses) {
        this.runState = runState;
        this.statuses = statuses;
        String schema = FakeQmpServer.qemu72Schema().replace("{\"name\": \"postcopy-preempt\"}]",
                "{\"name\": \"postcopy-preempt\"}, {\"name\": \"future-capability\"}]").replace("\"postcopy-preempt\"]",
                "\"postcopy-preempt\", \"future-capability\"]");
        reply("query-qmp-schema", (c, conn) -> schema);
        reply("qom-get", this::qomGet);
        reply("query-status", (c, conn) -> "{\"status\": \"" + this.runState + "\", \"running\": " + this.runState.equals("running")
                + ", \"singlestep\": false, \"future-member\": 1}");
        reply("query-kvm", (c, conn) -> "{\"enabled\": true, \"present\": true, \"future-member\": 1}");
        reply("query-block", (c, conn) -> "[]");
        reply("query-named-block-nodes", (c, conn) -> "[]");
        reply("query-block-jobs", (c, conn) -> "[]");
        reply("query-jobs", (c, conn) -> "[]");
        reply("query-memory-size-summary", (c, conn) -> "{\"base-memory\": 268435456}");
        reply("query-cpus-fast", (c, conn) -> "[{\"cpu-index\": 0, \"qom-path\": \"/machine/unattached/device[0]\", \"thread-id\": 42,"
                + " \"target\": \"x86_64\", \"props\": {\"core-id\": 0, \"thread-id\": 0, \"socket-id\": 0}, \"future-member\": 1}]");
        reply("query-migrate-capabilities", (c, conn) -> "[{\"capability\": \"xbzrle\", \"state\": false},"
                + " {\"capability\": \"events\", \"state\": false}, {\"capability\": \"pause-before-switchover\", \"state\": false},"
                + " {\"capability\": \"future-capability\", \"state\": true}]");
        reply("query-migrate-parameters", (c, conn) -> "{\"downtime-limit\": 300, \"max-bandwidth\": 134217728,"
                + " \"multifd-channels\": 2, \"tls-creds\": \"\", \"tls-hostname\": \"\", \"future-parameter\": {\"nested\": [1, 2]}}");
        reply("query-migrate", (c, conn) -> migrateInfo(conn));
        reply("calc-dirty-rate", (c, conn) -> "{}");
        reply("query-dirty-rate", (c, conn) -> dirtyRateMiB < 0 ? "{\"status\": \"unstarted\", \"start-time\": 0, \"calc-time\": 0,"
                + " \"sample-pages\": 512, \"mode\": \"page-sampling\"}" : "{\"status\": \"measured\", \"dirty-rate\": " + dirtyRateMiB
                + ", \"start-time\": 1, \"calc-time\": 1, \"sample-pages\": 512, \"mode\": \"page-sampling\"}");
        reply("migrate", (c, conn) -> {
            step = 0;
            return "{}";
        });
        reply("migrate_cancel", (c, conn) -> {
            cancelled = true;
            released.countDown();
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

    /** @return this source, whose completed migration makes {@code d} run the VM */
    public FakeQemu to(FakeQemu d) {
        this.destination = d;
        return this;
    }

    /** @return this source, whose migration stays at {@code status} until {@link #release()} (or a cancel) */
    public FakeQemu holdAt(String status) {
        this.holdAt = status;
        return this;
    }

    /** @return this source, whose guest dirties {@code mib} MiB/s as {@code query-dirty-rate} says */
    public FakeQemu dirtyRate(long mib) {
        this.dirtyRateMiB = mib;
        return this;
    }

    /** Lets a held migration go on. */
    public void release() {
        released.countDown();
    }

    /** @return whether {@code migrate} was sent to this source */
    public boolean migrating() {
        return step >= 0;
    }

    /** @return whether this source's migration is past its start and not yet ended */
    public boolean running() {
        String s = currentStatus();
        return step >= 0 && !s.equals("completed") && !s.equals("failed") && !s.equals("cancelled");
    }

    /** @return the bytes the last {@code query-migrate} said were sent */
    public long transferred() {
        return transferred;
    }

    /** @return each {@code max-bandwidth} this QEMU was given, in order */
    public List<Long> bandwidths() {
        return server.receivedCommands().stream().filter(c -> c.name().equals("migrate-set-parameters")
                && c.arguments().has("max-bandwidth")).map(c -> c.arguments().path("max-bandwidth").asLong()).toList();
    }

    /** @return a connected client on the test's resources */
    public QmpClient client(QmpResources resources) throws Exception {
        QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).build();
        c.connect().get(5, TimeUnit.SECONDS);
        return c;
    }

    private String currentStatus() {
        if (cancelled) {
            return "cancelled";
        }
        return step < 0 ? "none" : statuses.get(Math.min(step, statuses.size() - 1));
    }

    /** The source's migration, a step further at each query: unknown members at every level. */
    private String migrateInfo(FakeQmpServer.Connection conn) throws IOException {
        String status;
        if (incoming != null) {
            status = incoming;
        } else if (step < 0) {
            return "{\"future-member\": {}}";
        } else {
            status = currentStatus();
            boolean held = status.equals(holdAt) && released.getCount() > 0;
            if (!held && !cancelled) {
                step++;
            }
            conn.event("MIGRATION", "{\"status\": \"" + status + "\"}");
            if (status.equals("completed")) {
                runState = "postmigrate";
                if (destination != null) {
                    destination.incoming = "completed";
                    destination.runState = "running";
                }
            }
        }
        transferred += 1 << 20; // it moves on, also while held: no stall
        return "{\"status\": \"" + status + "\", \"total-time\": 1200, \"downtime\": 40, \"setup-time\": 5,"
                + " \"ram\": {\"transferred\": " + transferred + ", \"remaining\": 0, \"total\": 268435456, \"duplicate\": 0,"
                + " \"normal\": 256, \"normal-bytes\": 1048576, \"dirty-sync-count\": 2, \"mbps\": 800.5,"
                + " \"future-counter\": 7}, \"future-statistics\": {\"x\": [1, 2, 3]}, \"future-flag\": true}";
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

    @Override
    public void close() {
        released.countDown();
        server.close();
    }
}

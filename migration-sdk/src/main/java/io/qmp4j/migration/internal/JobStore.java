package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.qapi.ObjectDel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job's records, one inside each QEMU it changes: created first, rewritten before each change, deleted last. */
final class JobStore {

    private static final Logger log = LoggerFactory.getLogger(JobStore.class);

    private final Qmp qmp;
    private final Names names;
    private final Map<Side, JobRecord> open = new EnumMap<>(Side.class);
    private final long pid = ProcessHandle.current().pid();
    private final long started = System.currentTimeMillis();

    JobStore(Qmp qmp, Names names) {
        this.qmp = qmp;
        this.names = names;
    }

    /** Creates the record on one QEMU, before the job's first change there. */
    synchronized void open(Side side) throws Failure {
        Side other = side == Side.SOURCE ? Side.DESTINATION : Side.SOURCE;
        String peer = qmp.has(other) ? qmp.client(other).endpoint().toString() : "";
        JobRecord r = new JobRecord(JobRecord.VERSION, names.job(), side, pid, hostName(), started, peer, "setup", false, false,
                List.of());
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("qom-type", "authz-simple").put("id", names.record())
                .put("identity", text(r));
        qmp.raw(side, "object-add", args);
        open.put(side, r);
    }

    synchronized boolean isOpen(Side side) {
        return open.containsKey(side);
    }

    /** Rewrites one side's list of undo steps; fails (and the change must not be made) when it cannot be written. */
    synchronized void save(Side side, List<Undo> steps) throws Failure {
        JobRecord r = open.get(side);
        if (r == null) {
            throw new IllegalStateException("no record open on the " + side.label());
        }
        write(side, r.with(r.phase(), r.resumeDestination(), r.incoming(), steps));
    }

    /** Records the phase reached on every open record; a QEMU that is gone is skipped. */
    synchronized void phase(String phase) {
        for (Map.Entry<Side, JobRecord> e : new ArrayList<>(open.entrySet())) {
            JobRecord r = e.getValue();
            tryWrite(e.getKey(), r.with(phase, r.resumeDestination(), r.incoming(), r.undo()));
        }
    }

    /** Records on the destination whether it is to be resumed after the switchover, and that this job made it listen. */
    synchronized void destinationFlags(boolean resume, boolean incoming) throws Failure {
        JobRecord r = open.get(Side.DESTINATION);
        if (r != null) {
            write(Side.DESTINATION, r.with(r.phase(), resume, incoming, r.undo()));
        }
    }

    /** Deletes the record: the job's last step on that QEMU. */
    synchronized void close(Side side) {
        if (open.remove(side) != null && qmp.alive(side)) {
            try {
                qmp.call(side, new ObjectDel(names.record()));
            } catch (Failure f) {
                log.debug("could not delete the job record on the {}: {}", side.label(), f.getMessage());
            }
        }
    }

    /** Forgets a record without touching its QEMU (it is gone, or about to quit). */
    synchronized void drop(Side side) {
        open.remove(side);
    }

    private void tryWrite(Side side, JobRecord r) {
        try {
            write(side, r);
        } catch (Failure f) {
            log.debug("could not update the job record on the {}: {}", side.label(), f.getMessage());
        }
    }

    private void write(Side side, JobRecord r) throws Failure {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("path", "/objects/" + names.record())
                .put("property", "identity").put("value", text(r));
        qmp.raw(side, "qom-set", args);
        open.put(side, r);
    }

    private static String text(JobRecord r) {
        return JobRecordJson.write(r);
    }

    /**
     * Reads every job record a QEMU holds.
     *
     * @return the records; one that cannot be read is returned with its id and no steps
     */
    static List<JobRecord> read(QmpClient client, Duration timeout) throws Exception {
        List<JobRecord> found = new ArrayList<>();
        for (String id : objectIds(client, timeout)) {
            if (!id.startsWith(Names.RECORD_PREFIX)) {
                continue;
            }
            String job = id.substring(Names.RECORD_PREFIX.length());
            try {
                JsonNode text = client.execute(QmpCommand.raw("qom-get", JsonNodeFactory.instance.objectNode()
                        .put("path", "/objects/" + id).put("property", "identity")), timeout)
                        .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                found.add(JobRecordJson.read(text.asText()));
            } catch (Exception e) {
                log.debug("job record {} is unreadable: {}", id, e.getMessage());
                found.add(new JobRecord(0, job, null, 0, "", 0, "", "unreadable", false, false, List.of()));
            }
        }
        return found;
    }

    /** @return the ids of the QEMU's user-created objects */
    static List<String> objectIds(QmpClient client, Duration timeout) throws Exception {
        JsonNode objects = client.execute(QmpCommand.raw("qom-list", JsonNodeFactory.instance.objectNode().put("path", "/objects")),
                timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        List<String> ids = new ArrayList<>();
        objects.forEach(o -> ids.add(o.path("name").asText()));
        return ids;
    }

    static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (Exception e) {
            log.trace("no /proc hostname: {}", e.getMessage());
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}

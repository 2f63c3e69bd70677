package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qmp4j.core.qapi.BlockDeviceInfo;
import io.qmp4j.core.qapi.BlockdevDel;
import io.qmp4j.core.qapi.JobInfo;
import io.qmp4j.core.qapi.NbdServerStop;
import io.qmp4j.core.qapi.ObjectDel;
import io.qmp4j.core.qapi.QueryJobs;
import io.qmp4j.core.qapi.QueryNamedBlockNodes;
import java.util.ArrayList;
import java.util.List;

/**
 * What qmp4j left on a QEMU that no job record accounts for (a job of an older version, or one
 * whose record was lost with a crash before it was written): every object, block node, block job
 * and NBD export that qmp4j named ({@link Names#isOurs}). Found by name, removed by name.
 */
final class Leftovers {

    private final Qmp qmp;

    Leftovers(Qmp qmp) {
        this.qmp = qmp;
    }

    /** @return each leftover on that QEMU, for humans */
    List<String> find(Side side) throws Failure {
        List<String> l = new ArrayList<>();
        for (String id : objects(side)) {
            l.add("object " + id);
        }
        if (side == Side.SOURCE) {
            for (JobInfo j : jobs()) {
                l.add("block job " + j.id() + " (" + j.status() + ")");
            }
            for (String n : nodes()) {
                l.add("block node " + n);
            }
        } else {
            for (String e : exports()) {
                l.add("NBD export " + e);
            }
        }
        return l;
    }

    /**
     * Removes every leftover of that QEMU: jobs cancelled and dismissed, nodes deleted, the NBD
     * server stopped (with its exports), objects deleted.
     */
    void remove(Side side, List<String> done, List<String> failed) throws Failure {
        QemuUndoer undoer = new QemuUndoer(qmp);
        if (side == Side.SOURCE) {
            for (JobInfo j : jobs()) {
                attempt(() -> undoer.cancelJob(j.id(), j.id()) + " the block job " + j.id() + " on the source", done, failed);
            }
            for (String n : nodes()) {
                attempt(() -> {
                    qmp.call(side, new BlockdevDel(n));
                    return "deleted the block node " + n + " on the source";
                }, done, failed);
            }
        } else if (!exports().isEmpty()) {
            attempt(() -> {
                qmp.call(side, new NbdServerStop());
                return "stopped the NBD server (and its exports) on the destination";
            }, done, failed);
        }
        for (String id : objects(side)) {
            attempt(() -> {
                qmp.call(side, new ObjectDel(id));
                return "deleted the object " + id + " on the " + side.label();
            }, done, failed);
        }
    }

    private interface Step {
        String run() throws Failure;
    }

    private static void attempt(Step s, List<String> done, List<String> failed) {
        try {
            done.add(s.run());
        } catch (Failure f) {
            failed.add(f.getMessage());
        }
    }

    private List<String> objects(Side side) throws Failure {
        List<String> l = new ArrayList<>();
        JsonNode objects = qmp.raw(side, "qom-list", JsonNodeFactory.instance.objectNode().put("path", "/objects"));
        objects.forEach(o -> {
            String name = o.path("name").asText();
            if (Names.isOurs(name)) {
                l.add(name);
            }
        });
        return l;
    }

    private List<JobInfo> jobs() throws Failure {
        return qmp.call(Side.SOURCE, new QueryJobs()).stream().filter(j -> Names.isOurs(j.id())).toList();
    }

    private List<String> nodes() throws Failure {
        List<String> l = new ArrayList<>();
        for (BlockDeviceInfo n : qmp.call(Side.SOURCE, new QueryNamedBlockNodes())) {
            if (Names.isOurs(n.nodeName())) {
                l.add(n.nodeName());
            }
        }
        return l;
    }

    private List<String> exports() throws Failure {
        List<String> l = new ArrayList<>();
        qmp.raw(Side.DESTINATION, "query-block-exports", null).forEach(e -> {
            if (Names.isOurs(e.path("id").asText())) {
                l.add(e.path("id").asText());
            }
        });
        return l;
    }
}

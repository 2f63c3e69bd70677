package io.qmp4j.migration.internal;

import io.qmp4j.core.command.Yanks;
import io.qmp4j.core.qapi.BlockJobCancel;
import io.qmp4j.core.qapi.BlockdevDel;
import io.qmp4j.core.qapi.Cont;
import io.qmp4j.core.qapi.JobDismiss;
import io.qmp4j.core.qapi.JobInfo;
import io.qmp4j.core.qapi.JobStatus;
import io.qmp4j.core.qapi.NbdServerStop;
import io.qmp4j.core.qapi.ObjectDel;
import io.qmp4j.core.qapi.QueryJobs;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.qapi.Yank;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Runs undo steps against the QEMUs of a job. Each is idempotent: what is already gone counts as undone. */
final class QemuUndoer implements Undoer {

    /** How long a cancelled mirror may take to end before its NBD connection is yanked. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(3);
    private static final Set<String> JOB_EVENTS = Set.of("JOB_STATUS_CHANGE", "BLOCK_JOB_CANCELLED", "BLOCK_JOB_COMPLETED");

    private final Qmp qmp;

    QemuUndoer(Qmp qmp) {
        this.qmp = qmp;
    }

    @Override
    public String undo(Undo u) throws Failure {
        Side side = u.side();
        String on = " on the " + side.label();
        try {
            return switch (u.action()) {
                case SET_PARAMETERS -> {
                    qmp.raw(side, "migrate-set-parameters", u.args());
                    yield "restored " + u.what() + on;
                }
                case SET_CAPABILITIES -> {
                    qmp.raw(side, "migrate-set-capabilities", u.args());
                    yield "restored " + u.what() + on;
                }
                case OBJECT_DEL -> {
                    qmp.call(side, new ObjectDel(u.id()));
                    yield "deleted the " + u.what() + on;
                }
                case NBD_SERVER_STOP -> {
                    qmp.call(side, new NbdServerStop());
                    yield "stopped the NBD server" + on;
                }
                case BLOCKDEV_DEL -> {
                    qmp.call(side, new BlockdevDel(u.id()));
                    yield "deleted the " + u.what() + on;
                }
                case CANCEL_JOB -> cancelJob(u.id(), u.args().path("disk").asText()) + " the " + u.what() + on;
                case CONT -> resume(side);
                case AFFINITY -> affinity(u) + on;
            };
        } catch (Failure f) {
            if (alreadyGone(f)) {
                return "found the " + u.what() + " already gone" + on;
            }
            throw f;
        }
    }

    /** @return how the job was ended: "cancelled", "yanked the NBD connection of, and cancelled,", or "found ended" */
    String cancelJob(String id, String disk) throws Failure {
        Optional<JobInfo> j = job(id);
        if (j.isEmpty()) {
            return "found ended";
        }
        if (j.get().status() != JobStatus.CONCLUDED) {
            qmp.call(Side.SOURCE, new BlockJobCancel(id, true));
        }
        String how = "cancelled";
        if (awaitConcluded(id, CANCEL_GRACE.compareTo(qmp.step()) < 0 ? CANCEL_GRACE : qmp.step()).isEmpty()) {
            // Its NBD requests hang on a link that carries nothing: a cancel waits for them for
            // ever. Yank the connection so that they fail; then the job ends.
            qmp.call(Side.SOURCE, Yanks.of(Yanks.blockNode(id)));
            if (awaitConcluded(id, qmp.step()).isEmpty()) {
                throw new Failure(io.qmp4j.migration.FailureKind.COMMAND_FAILED, "the mirror of disk '" + disk
                        + "' did not end within " + qmp.step() + " of a forced cancel and a yank");
            }
            how = "yanked the NBD connection of, and cancelled,";
        }
        if (job(id).isPresent()) {
            qmp.call(Side.SOURCE, new JobDismiss(id));
        }
        return how;
    }

    /** @return the job's last state once it concluded (or vanished), empty when the timeout passed first */
    Optional<Optional<JobInfo>> awaitConcluded(String id, Duration timeout) throws Failure {
        return Waits.until(qmp.client(Side.SOURCE), JOB_EVENTS, timeout, Duration.ofMillis(50), () -> {
            Optional<JobInfo> j = job(id);
            return j.isEmpty() || j.get().status() == JobStatus.CONCLUDED || j.get().status() == JobStatus.NULL
                    ? Optional.of(j) : Optional.empty();
        });
    }

    Optional<JobInfo> job(String id) throws Failure {
        return qmp.call(Side.SOURCE, new QueryJobs()).stream().filter(j -> j.id().equals(id)).findFirst();
    }

    private static String affinity(Undo u) throws Failure {
        long pid = u.args().path("pid").asLong();
        long tid = u.args().path("tid").asLong();
        if (!Taskset.alive(pid, tid)) {
            return "found the thread ended (or not on this host): no " + u.what() + " to restore";
        }
        Taskset.restore(tid, u.args().path("mask").asText());
        return "restored the " + u.what();
    }

    private String resume(Side side) throws Failure {
        RunState s = qmp.runState(side);
        if (s == RunState.RUNNING) {
            return "found the " + side.label() + " VM running";
        }
        qmp.call(side, new Cont());
        return "resumed the " + side.label() + " VM (it was " + s + ")";
    }

    /** QEMU's ways of saying that the thing to remove does not exist. */
    static boolean alreadyGone(Failure f) {
        if ("DeviceNotFound".equals(f.errorClass())) {
            return true;
        }
        String m = String.valueOf(f.getMessage());
        return m.contains("not found") || m.contains("does not exist") || m.contains("not running")
                || m.contains("Failed to find") || m.contains("No such") || m.contains("Cannot find");
    }
}

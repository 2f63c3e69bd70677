package io.qmp4j.migration.internal;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.command.BlockExportAdd;
import io.qmp4j.core.command.BlockJobCancel;
import io.qmp4j.core.command.Yank;
import io.qmp4j.core.command.BlockJobInfo;
import io.qmp4j.core.command.BlockdevAdd;
import io.qmp4j.core.command.BlockdevDel;
import io.qmp4j.core.command.BlockdevMirror;
import io.qmp4j.core.command.JobDismiss;
import io.qmp4j.core.command.JobInfo;
import io.qmp4j.core.command.JobStatus;
import io.qmp4j.core.command.MirrorCopyMode;
import io.qmp4j.core.command.MirrorSyncMode;
import io.qmp4j.core.command.NbdServerAdd;
import io.qmp4j.core.command.NbdServerStart;
import io.qmp4j.core.command.NbdServerStop;
import io.qmp4j.core.command.QueryBlockJobs;
import io.qmp4j.core.command.QueryJobs;
import io.qmp4j.core.command.SocketAddress;
import io.qmp4j.migration.DiskCopy;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.check.DiskSelection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage half of a copy-storage migration, in libvirt's order: the destination's NBD server
 * and one writable export per disk; on the source an NBD client node and a {@code blockdev-mirror}
 * job per disk; at {@code pre-switchover} each READY mirror is cancelled (a READY mirror that is
 * cancelled completes with the target in sync), dismissed and its node deleted. Every step is
 * recorded so that {@link #rollback} undoes exactly what was done.
 */
final class StorageCopy {

    private static final Logger log = LoggerFactory.getLogger(StorageCopy.class);
    private static final String PREFIX = "qmp4j-mirror-";

    /** Runs one QMP command under the migration's locks and step timeout. */
    interface Calls {
        <R> R call(QmpClient client, QmpCommand<R> command) throws Exception;
    }

    private final QmpClient src;
    private final QmpClient dst;
    private final Calls calls;
    private final Storage.Copy copy;
    /** How long a cancelled mirror may take to end before its NBD connection is yanked. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(3);

    private final SocketAddress nbd;
    private final SocketAddress nbdListen;
    private final List<Mirror> mirrors = new ArrayList<>();
    private final String tlsCreds;
    private final String tlsAuthz;
    private final String tlsHostname;
    private boolean serverStarted;

    /**
     * @param tlsCreds the id of the {@code tls-creds-x509} object on each side, or null for plain NBD
     * @param tlsAuthz the id of the destination's authz object, or null
     * @param tlsHostname the name the NBD server's certificate must carry, or null for its host
     */
    StorageCopy(QmpClient src, QmpClient dst, Calls calls, Storage.Copy copy, MigrationUri migrationUri, List<DiskSelection.Pair> pairs,
                String tlsCreds, String tlsAuthz, String tlsHostname) {
        this.tlsCreds = tlsCreds;
        this.tlsAuthz = tlsAuthz;
        this.tlsHostname = tlsHostname;
        this.src = src;
        this.dst = dst;
        this.calls = calls;
        this.copy = copy;
        this.nbd = copy.nbdFor(migrationUri).socketAddress();
        this.nbdListen = copy.nbdListenFor(migrationUri).socketAddress();
        for (int i = 0; i < pairs.size(); i++) {
            mirrors.add(new Mirror(pairs.get(i), PREFIX + i));
        }
    }

    /** Destination: the NBD server and one writable export per disk (block-export-add, or nbd-server-add on QEMUs without it). */
    void prepareDestination(boolean hasBlockExportAdd) throws Exception {
        calls.call(dst, new NbdServerStart(nbdListen, tlsCreds, tlsAuthz, null));
        serverStarted = true;
        for (Mirror m : mirrors) {
            String node = m.pair.destination().nodeName();
            if (hasBlockExportAdd) {
                calls.call(dst, BlockExportAdd.nbd(m.id, node, m.id, true));
            } else {
                calls.call(dst, new NbdServerAdd(node, m.id, null, true, null));
            }
        }
    }

    /** Source: an NBD client node and a mirror job per disk. */
    void startMirrors() throws Exception {
        for (Mirror m : mirrors) {
            BlockdevAdd node = BlockdevAdd.nbd(m.id, nbd, m.id, tlsCreds).withOption("read-only", false);
            if (tlsCreds != null && tlsHostname != null) {
                node = node.withOption("tls-hostname", tlsHostname);
            }
            calls.call(src, node);
            m.nodeAdded = true;
            BlockdevMirror.Builder b = BlockdevMirror.builder(m.pair.source().nodeName(), m.id).jobId(m.id)
                    .sync(MirrorSyncMode.FULL).autoFinalize(true).autoDismiss(false);
            if (copy.mirrorSpeed() > 0) {
                b.speed(copy.mirrorSpeed());
            }
            if (copy.writeBlocking()) {
                b.copyMode(MirrorCopyMode.WRITE_BLOCKING);
            }
            m.startNanos = System.nanoTime();
            calls.call(src, b.build());
            m.jobStarted = true;
            log.debug("mirroring {} ({}) to NBD export {} at {}", m.pair.source().id(), m.pair.source().file(), m.id, nbd);
        }
    }

    /**
     * Samples the mirrors.
     *
     * @return whether every mirror is READY
     * @throws IllegalStateException when a mirror has failed or vanished
     */
    boolean poll() throws Exception {
        Map<String, BlockJobInfo> jobs = calls.call(src, new QueryBlockJobs()).stream()
                .collect(Collectors.toMap(BlockJobInfo::device, Function.identity(), (a, b) -> a));
        boolean allReady = true;
        for (Mirror m : mirrors) {
            BlockJobInfo j = jobs.get(m.id);
            if (j == null || j.status() == JobStatus.CONCLUDED || j.status() == JobStatus.ABORTING || j.error() != null) {
                String why = j == null ? "the job vanished" : j.error() != null ? j.error() : "the job ended (" + j.statusName() + ")";
                if (j == null || j.error() == null) {
                    why = why + errorOf(m);
                }
                throw new IllegalStateException("the mirror of disk '" + m.pair.source().id() + "' failed: " + why);
            }
            m.copied = j.offset();
            m.total = j.len();
            if (j.ready() && m.readyNanos == 0) {
                m.readyNanos = System.nanoTime();
                log.debug("mirror of {} is in sync after {} ms ({} bytes)", m.pair.source().id(),
                        TimeUnit.NANOSECONDS.toMillis(m.readyNanos - m.startNanos), j.offset());
            }
            allReady &= j.ready();
        }
        return allReady;
    }

    private String errorOf(Mirror m) {
        try {
            for (JobInfo j : calls.call(src, new QueryJobs())) {
                if (j.id().equals(m.id) && j.error() != null) {
                    return ": " + j.error();
                }
            }
        } catch (Exception e) {
            log.debug("query-jobs failed: {}", e.getMessage());
        }
        return "";
    }

    /**
     * At {@code pre-switchover}, the source paused: ends every mirror so that its target holds
     * exactly the source's data, dismisses it and deletes its NBD node.
     */
    void completeAtSwitchover(Duration timeout) throws Exception {
        poll(); // a mirror that failed while RAM moved must fail the migration here, not pass silently
        for (Mirror m : mirrors) {
            calls.call(src, new BlockJobCancel(m.id, false));
        }
        for (Mirror m : mirrors) {
            JobInfo j = awaitConcluded(m, timeout);
            if (j != null && j.error() != null) {
                throw new IllegalStateException("the mirror of disk '" + m.pair.source().id() + "' failed at switchover: " + j.error());
            }
            if (j != null) {
                m.copied = Math.max(m.copied, j.currentProgress());
                m.total = Math.max(m.total, j.totalProgress());
            }
            m.endNanos = System.nanoTime();
            calls.call(src, new JobDismiss(m.id));
            m.jobStarted = false;
            calls.call(src, new BlockdevDel(m.id));
            m.nodeAdded = false;
        }
    }

    /** Destination, after the switchover: stops the NBD server (which removes the exports). */
    void stopServer() throws Exception {
        if (serverStarted) {
            calls.call(dst, new NbdServerStop());
            serverStarted = false;
        }
    }

    /** Undoes whatever was done: force-cancels the mirrors, deletes the NBD nodes, stops the NBD server. */
    void rollback(List<String> rolledBack, Duration timeout) {
        if (src.state() == QmpState.RUNNING) {
            for (Mirror m : mirrors) {
                if (m.jobStarted) {
                    try {
                        if (jobStatus(m) != JobStatus.CONCLUDED) {
                            calls.call(src, new BlockJobCancel(m.id, true));
                        }
                        String how = "cancelled";
                        try {
                            awaitConcluded(m, CANCEL_GRACE.compareTo(timeout) < 0 ? CANCEL_GRACE : timeout);
                        } catch (IllegalStateException stillRunning) {
                            // Its NBD requests hang on a link that carries nothing: a cancel waits
                            // for them for ever. Yank the connection so that they fail, then the job ends.
                            calls.call(src, Yank.of(Yank.Instance.blockNode(m.id)));
                            awaitConcluded(m, timeout);
                            how = "yanked the NBD connection of, and cancelled,";
                        }
                        calls.call(src, new JobDismiss(m.id));
                        m.jobStarted = false;
                        rolledBack.add(how + " the mirror of disk '" + m.pair.source().id() + "' on the source");
                    } catch (Exception e) {
                        rolledBack.add("could not cancel the mirror of disk '" + m.pair.source().id() + "': " + e.getMessage());
                    }
                }
                if (m.nodeAdded) {
                    try {
                        calls.call(src, new BlockdevDel(m.id));
                        m.nodeAdded = false;
                        rolledBack.add("deleted the NBD node " + m.id + " on the source");
                    } catch (Exception e) {
                        rolledBack.add("could not delete the NBD node " + m.id + ": " + e.getMessage());
                    }
                }
            }
        }
        if (serverStarted && dst.state() == QmpState.RUNNING) {
            try {
                stopServer();
                rolledBack.add("stopped the NBD server on the destination");
            } catch (Exception e) {
                rolledBack.add("could not stop the destination's NBD server: " + e.getMessage());
            }
        }
    }

    private JobStatus jobStatus(Mirror m) throws Exception {
        for (JobInfo j : calls.call(src, new QueryJobs())) {
            if (j.id().equals(m.id)) {
                return j.status();
            }
        }
        return JobStatus.NULL;
    }

    /** Waits until the job is concluded (or gone); returns its last info, or null when it is gone. */
    private JobInfo awaitConcluded(Mirror m, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobInfo found = null;
            for (JobInfo j : calls.call(src, new QueryJobs())) {
                if (j.id().equals(m.id)) {
                    found = j;
                }
            }
            if (found == null || found.status() == JobStatus.CONCLUDED || found.status() == JobStatus.NULL) {
                return found;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the mirror of disk '" + m.pair.source().id() + "' did not end within " + timeout
                        + " (it is " + found.statusName() + ")");
            }
            Thread.sleep(10);
        }
    }

    /** @return each disk's mirror as it stands */
    List<DiskCopy> disks() {
        List<DiskCopy> l = new ArrayList<>();
        long now = System.nanoTime();
        for (Mirror m : mirrors) {
            long end = m.endNanos != 0 ? m.endNanos : now;
            l.add(new DiskCopy(m.pair.source().id(), m.pair.source().file(), m.pair.destination().file(), m.copied, m.total,
                    m.readyNanos != 0, m.startNanos == 0 ? Duration.ZERO : Duration.ofNanos(end - m.startNanos)));
        }
        return l;
    }

    /** One disk's mirror: the NBD export, client node and job share one id. */
    private static final class Mirror {
        final DiskSelection.Pair pair;
        final String id;
        boolean nodeAdded;
        boolean jobStarted;
        long startNanos;
        long readyNanos;
        long endNanos;
        long copied;
        long total;

        Mirror(DiskSelection.Pair pair, String id) {
            this.pair = pair;
            this.id = id;
        }
    }
}

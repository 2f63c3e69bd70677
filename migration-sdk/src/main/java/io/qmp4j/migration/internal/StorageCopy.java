package io.qmp4j.migration.internal;

import io.qmp4j.core.command.BlockNodes;
import io.qmp4j.core.command.Sockets;
import io.qmp4j.core.qapi.BlockJobCancel;
import io.qmp4j.core.qapi.BlockJobChange;
import io.qmp4j.core.qapi.BlockJobChangeOptions;
import io.qmp4j.core.qapi.BlockJobChangeOptionsMirror;
import io.qmp4j.core.qapi.BlockJobInfo;
import io.qmp4j.core.qapi.BlockJobInfoMirror;
import io.qmp4j.core.qapi.BlockdevAdd;
import io.qmp4j.core.qapi.BlockdevDel;
import io.qmp4j.core.qapi.BlockdevDriver;
import io.qmp4j.core.qapi.BlockdevMirror;
import io.qmp4j.core.qapi.BlockdevOptions;
import io.qmp4j.core.qapi.BlockdevOptionsNbd;
import io.qmp4j.core.qapi.JobDismiss;
import io.qmp4j.core.qapi.JobInfo;
import io.qmp4j.core.qapi.JobStatus;
import io.qmp4j.core.qapi.JobType;
import io.qmp4j.core.qapi.MirrorCopyMode;
import io.qmp4j.core.qapi.MirrorSyncMode;
import io.qmp4j.core.qapi.NbdServerAdd;
import io.qmp4j.core.qapi.NbdServerAddOptions;
import io.qmp4j.core.qapi.NbdServerStart;
import io.qmp4j.core.qapi.QueryBlockJobs;
import io.qmp4j.core.qapi.QueryJobs;
import io.qmp4j.core.qapi.SocketAddress;
import io.qmp4j.migration.DiskCopy;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.check.DiskSelection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage half of a copy-storage migration, in libvirt's order: the destination's NBD server
 * and one writable export per disk; on the source an NBD client node and a {@code blockdev-mirror}
 * job per disk; at {@code pre-switchover} each READY mirror is cancelled (a READY mirror that is
 * cancelled completes with the target in sync), dismissed and its node deleted. Every change
 * goes through the job's journal, which undoes exactly what was done.
 *
 * <p>A mirror in the default {@code background} mode is switched to {@code write-blocking} once
 * it is in sync, where the source QEMU has {@code block-job-change} (8.2 and newer, as Proxmox VE
 * does), and the disks count as in sync only when QEMU reports the mirror {@code actively-synced}:
 * from then on every guest write reaches the destination before it completes, so a guest
 * writing faster than the link cannot pull the disks apart while the RAM moves. Without the
 * command (QEMU 7.2) the mirror stays in background mode: what the guest writes after the mirror
 * is in sync is copied as the mirror catches up, and what is left at the switchover is copied
 * then, with the guest paused (it adds to the downtime).
 */
final class StorageCopy {

    private static final Logger log = LoggerFactory.getLogger(StorageCopy.class);

    private final Qmp qmp;
    private final Journal journal;
    private final Storage.Copy copy;
    private final SocketAddress nbd;
    private final SocketAddress nbdListen;
    private final List<Mirror> mirrors = new ArrayList<>();
    private final Tls tls;
    /** The source QEMU can switch a running mirror to write-blocking ({@code block-job-change}). */
    private boolean switchable;

    /** The TLS of the NBD connections: the credentials' id on each side, the destination's authz, the name to check. */
    record Tls(String creds, String authz, String hostname) {
    }

    StorageCopy(Qmp qmp, Journal journal, Names names, Storage.Copy copy, MigrationUri migrationUri, List<DiskSelection.Pair> pairs,
                Tls tls) {
        this.qmp = qmp;
        this.journal = journal;
        this.copy = copy;
        this.tls = tls;
        this.nbd = copy.nbdFor(migrationUri).socketAddress();
        this.nbdListen = copy.nbdListenFor(migrationUri).socketAddress();
        for (int i = 0; i < pairs.size(); i++) {
            mirrors.add(new Mirror(pairs.get(i), names.mirror(i)));
        }
    }

    /** Destination: the NBD server and one writable export per disk (block-export-add, or nbd-server-add on QEMUs without it). */
    void prepareDestination(boolean hasBlockExportAdd) throws Failure {
        journal.perform(Undo.nbdServer(), () -> qmp.call(Side.DESTINATION,
                NbdServerStart.builder().addr(Sockets.legacy(nbdListen))
                        .tlsCreds(tls == null ? null : tls.creds()).tlsAuthz(tls == null ? null : tls.authz()).build()));
        for (Mirror m : mirrors) {
            String node = m.pair.destination().nodeName();
            try {
                if (hasBlockExportAdd) {
                    qmp.call(Side.DESTINATION, BlockNodes.nbdExport(m.id, node, m.id, true));
                } else {
                    qmp.call(Side.DESTINATION, new NbdServerAdd(new NbdServerAddOptions(m.id, null, node, true, null)));
                }
            } catch (Failure f) {
                throw sharedImage(m, f);
            }
        }
    }

    /**
     * A writable export activates the destination's image, which takes QEMU's write lock on the
     * file. When the source's running VM holds that lock, the two paths (equal or not, on hosts
     * whose monitors are remote) are one file on shared storage: copying would write the disk
     * onto itself. The only way to tell through QMP alone, and a sure one where locking works.
     */
    private static Failure sharedImage(Mirror m, Failure f) {
        String msg = String.valueOf(f.getMessage());
        // QEMU 7.2 says 'Failed to get "write" lock', or, when the activation failed on the lock
        // and left the node read-only, "Block node is read-only".
        boolean locked = msg.matches("(?s).*\\block\\b.*")
                || msg.contains("Block node is read-only") && !m.pair.destination().readOnly();
        if (!locked) {
            return f;
        }
        return new Failure(FailureKind.COMMAND_FAILED, "disk '" + m.pair.source().id() + "': the destination's image "
                + m.pair.destination().file() + " is the same file as the source's " + m.pair.source().file() + " (QEMU on the"
                + " destination cannot take its write lock, which the running VM holds: " + msg + "): the hosts share this"
                + " storage, and copy-storage would copy the disk onto itself; migrate it as shared storage", f.errorClass(), f);
    }

    /** Source: an NBD client node and a mirror job per disk. */
    void startMirrors() throws Failure {
        switchable = qmp.hasCommand(Side.SOURCE, "block-job-change", false);
        for (Mirror m : mirrors) {
            BlockdevOptionsNbd client = BlockdevOptionsNbd.builder().server(nbd).export(m.id)
                    .tlsCreds(tls == null ? null : tls.creds()).tlsHostname(tls == null ? null : tls.hostname()).build();
            BlockdevAdd add = new BlockdevAdd(BlockdevOptions.builder().driver(BlockdevDriver.NBD).nodeName(m.id)
                    .readOnly(false).branch(client).build());
            m.node = Undo.node(m.id, m.pair.source().id());
            journal.perform(m.node, () -> qmp.call(Side.SOURCE, add));
            BlockdevMirror.Builder b = BlockdevMirror.builder().device(m.pair.source().nodeName()).target(m.id).jobId(m.id)
                    .sync(MirrorSyncMode.FULL).autoFinalize(true).autoDismiss(false);
            if (copy.mirrorSpeed() > 0) {
                b.speed(copy.mirrorSpeed());
            }
            if (copy.writeBlocking()) {
                b.copyMode(MirrorCopyMode.WRITE_BLOCKING);
                m.writeBlocking = true;
            }
            m.startNanos = System.nanoTime();
            m.job = Undo.mirror(m.id, m.pair.source().id());
            journal.perform(m.job, () -> qmp.call(Side.SOURCE, b.build()));
            log.debug("mirroring {} ({}) to NBD export {} at {}", m.pair.source().id(), m.pair.source().file(), m.id, nbd);
        }
    }

    /** @return the bytes all mirrors have copied so far */
    long copiedBytes() {
        return mirrors.stream().mapToLong(m -> m.copied).sum();
    }

    /**
     * Samples the mirrors.
     *
     * @return whether every mirror is READY
     * @throws Failure when a mirror has failed or vanished
     */
    boolean poll() throws Failure {
        Map<String, BlockJobInfo> jobs = qmp.call(Side.SOURCE, new QueryBlockJobs()).stream()
                .collect(Collectors.toMap(BlockJobInfo::device, Function.identity(), (a, b) -> a));
        boolean allReady = true;
        for (Mirror m : mirrors) {
            BlockJobInfo j = jobs.get(m.id);
            if (j == null || j.status() == JobStatus.CONCLUDED || j.status() == JobStatus.ABORTING || j.error() != null) {
                String why = j == null ? "the job vanished" : j.error() != null ? j.error() : "the job ended (" + j.status() + ")";
                if (j == null || j.error() == null) {
                    why = why + errorOf(m);
                }
                throw new Failure(FailureKind.MIGRATION_FAILED, "the mirror of disk '" + m.pair.source().id() + "' failed: " + why);
            }
            m.copied = j.offset();
            m.total = j.len();
            if (j.ready() && m.readyNanos == 0) {
                m.readyNanos = System.nanoTime();
                log.debug("mirror of {} is in sync after {} ms ({} bytes)", m.pair.source().id(),
                        TimeUnit.NANOSECONDS.toMillis(m.readyNanos - m.startNanos), j.offset());
            }
            allReady &= inSync(m, j);
        }
        return allReady;
    }

    /**
     * @return whether the mirror is in sync: READY, and {@code actively-synced} where QEMU reports
     *         it for a write-blocking mirror; switches a READY background mirror to write-blocking
     *         where QEMU can
     */
    private boolean inSync(Mirror m, BlockJobInfo j) throws Failure {
        if (!j.ready()) {
            return false;
        }
        if (!m.writeBlocking && switchable) {
            try {
                qmp.call(Side.SOURCE, new BlockJobChange(new BlockJobChangeOptions(m.id, JobType.MIRROR,
                        new BlockJobChangeOptionsMirror(MirrorCopyMode.WRITE_BLOCKING))));
                m.writeBlocking = true;
                log.debug("mirror of {} is in sync: switched to write-blocking", m.pair.source().id());
                return false;
            } catch (Failure f) {
                switchable = false;
                log.info("mirror of {} stays in background mode: {}", m.pair.source().id(), f.getMessage());
                return true;
            }
        }
        Boolean activelySynced = j.branch() instanceof BlockJobInfoMirror mirror ? mirror.activelySynced() : null;
        return !m.writeBlocking || !Boolean.FALSE.equals(activelySynced);
    }

    private String errorOf(Mirror m) {
        try {
            for (JobInfo j : qmp.call(Side.SOURCE, new QueryJobs())) {
                if (j.id().equals(m.id) && j.error() != null) {
                    return ": " + j.error();
                }
            }
        } catch (Failure e) {
            log.debug("query-jobs failed: {}", e.getMessage());
        }
        return "";
    }

    /**
     * At {@code pre-switchover}, the source paused: ends every mirror so that its target holds
     * exactly the source's data, dismisses it and deletes its NBD node.
     */
    void completeAtSwitchover(QemuUndoer undoer) throws Failure {
        poll(); // a mirror that failed while RAM moved must fail the migration here, not pass silently
        for (Mirror m : mirrors) {
            qmp.call(Side.SOURCE, new BlockJobCancel(m.id, false));
        }
        for (Mirror m : mirrors) {
            Optional<JobInfo> j = undoer.awaitConcluded(m.id, qmp.step()).orElseThrow(() -> new Failure(FailureKind.MIGRATION_FAILED,
                    "the mirror of disk '" + m.pair.source().id() + "' did not end within " + qmp.step() + " at switchover"));
            if (j.isPresent() && j.get().error() != null) {
                throw new Failure(FailureKind.MIGRATION_FAILED, "the mirror of disk '" + m.pair.source().id()
                        + "' failed at switchover: " + j.get().error());
            }
            j.ifPresent(i -> {
                m.copied = Math.max(m.copied, i.currentProgress());
                m.total = Math.max(m.total, i.totalProgress());
            });
            m.endNanos = System.nanoTime();
            qmp.call(Side.SOURCE, new JobDismiss(m.id));
            journal.forget(m.job);
            qmp.call(Side.SOURCE, new BlockdevDel(m.id));
            journal.forget(m.node);
        }
    }

    /** @return each disk's mirror as it stands */
    List<DiskCopy> disks() {
        List<DiskCopy> l = new ArrayList<>();
        long now = System.nanoTime();
        for (Mirror m : mirrors) {
            long end = m.endNanos != 0 ? m.endNanos : now;
            l.add(new DiskCopy(m.pair.source().id(), m.pair.source().file(), m.pair.destination().file(), m.copied, m.total,
                    m.readyNanos != 0, m.startNanos == 0 ? Duration.ZERO : Duration.ofNanos(end - m.startNanos), m.writeBlocking));
        }
        return l;
    }

    /** One disk's mirror: the NBD export, client node and job share one id. */
    private static final class Mirror {
        final DiskSelection.Pair pair;
        final String id;
        Undo node;
        Undo job;
        long startNanos;
        long readyNanos;
        long endNanos;
        long copied;
        long total;
        /** Guest writes reach the target synchronously: asked for, or switched to once in sync. */
        volatile boolean writeBlocking;

        Mirror(DiskSelection.Pair pair, String id) {
            this.pair = pair;
            this.id = id;
        }
    }
}

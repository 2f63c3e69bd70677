package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.MigrationProgress.Phase;
import java.util.concurrent.TimeUnit;

/** Before the RAM: the disks of a copy-storage migration mirrored until every one is in sync. */
final class StoragePhase {

    private final JobContext ctx;
    private final Qmp qmp;
    private final long tickNanos;

    StoragePhase(JobContext ctx) {
        this.ctx = ctx;
        this.qmp = ctx.qmp;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(100, ctx.plan.pollInterval().toMillis()));
    }

    /** The storage phase: mirrors every copied disk until all are in sync (READY). */
    void run() throws Failure {
        ctx.phase(Phase.STORAGE);
        ctx.storage.startMirrors();
        StallDetector mirrorStall = new StallDetector(ctx.plan.stallTimeout());
        try (EventSubscription jobs = qmp.client(Side.SOURCE).events()
                .subscribe(java.util.Set.of("BLOCK_JOB_READY", "JOB_STATUS_CHANGE", "BLOCK_JOB_ERROR"))) {
            Waits.Next next = new Waits.Next(jobs);
            while (true) {
                if (ctx.cancelRequested) {
                    throw new Failure(FailureKind.CANCELLED, "cancelled while copying the disks");
                }
                if (!qmp.alive(Side.DESTINATION)) {
                    throw new Failure(FailureKind.DESTINATION_GONE, "the destination QEMU went away while the disks were copied");
                }
                boolean ready = ctx.storage.poll();
                ctx.progress.phase(Phase.STORAGE, MigrationStatus.NONE);
                if (ready) {
                    return;
                }
                if (mirrorStall.stalled(ctx.storage.copiedBytes(), true)) {
                    throw new Failure(FailureKind.STALLED, "the disks' mirrors copied nothing for " + mirrorStall.seconds()
                            + " s: the network to the destination's NBD server seems interrupted");
                }
                next.await(tickNanos);
            }
        }
    }
}

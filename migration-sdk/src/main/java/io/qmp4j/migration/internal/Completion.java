package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.Cont;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.MigrationProgress.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * After QEMU completed the migration: the final statistics, the destination's own completion,
 * the NBD server stopped, the destination resumed when the VM was running (and nobody else paused
 * it), and every setting and object of the job taken back on both sides. Also finishes a job that
 * a dead process left (from its records).
 */
final class Completion {

    private final JobContext ctx;
    private final Qmp qmp;

    Completion(JobContext ctx) {
        this.ctx = ctx;
        this.qmp = ctx.qmp;
    }

    /** @return the source's final {@code query-migrate} */
    MigrationInfo finalStats() throws Failure {
        // QEMU 7.2 emits 'completed' before it stores total-time and downtime: look again until it has.
        Optional<MigrationInfo> i = Waits.until(qmp.client(Side.SOURCE), Set.of("MIGRATION"), Duration.ofSeconds(2),
                Duration.ofMillis(50), () -> {
                    MigrationInfo m = qmp.call(Side.SOURCE, new QueryMigrate());
                    return m.totalTime() != null && m.totalTime() != 0 ? Optional.of(m) : Optional.empty();
                });
        return i.isPresent() ? i.get() : qmp.call(Side.SOURCE, new QueryMigrate());
    }

    /**
     * Waits for the destination to have loaded the state, then finishes.
     *
     * @param resume whether the destination is to be resumed when it is paused
     * @return what was done, and what could not be
     */
    Journal.Report finish(boolean resume) throws Failure {
        ctx.status = MigrationStatus.COMPLETED;
        ctx.phase(Phase.SWITCHOVER);
        Optional<MigrationStatus> loaded = Waits.until(qmp.client(Side.DESTINATION), Set.of("MIGRATION"), qmp.step(),
                Duration.ofMillis(20), () -> {
                    MigrationStatus s = qmp.migrationStatus(Side.DESTINATION);
                    return s == MigrationStatus.COMPLETED ? Optional.of(s) : Optional.empty();
                });
        if (loaded.isEmpty()) {
            throw new Failure(FailureKind.MIGRATION_FAILED, "the destination did not finish loading the migration within "
                    + qmp.step());
        }
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        // The NBD server first: the destination takes its disks over when it resumes.
        add(ctx.journal.undo(u -> u.action() == Undo.Action.NBD_SERVER_STOP, ctx.undoer), done, failed);
        RunState dst = qmp.runState(Side.DESTINATION);
        if (dst != RunState.RUNNING && resume) {
            // The run state travels in the stream: after the suspend action (or with a destination
            // started with -S) it arrives paused; the VM was running, so resume it.
            qmp.call(Side.DESTINATION, new Cont());
            done.add("resumed the VM on the destination (it arrived " + dst + ")");
        }
        add(ctx.journal.undo(u -> u.onSuccess() && qmp.alive(u.side()), ctx.undoer), done, failed);
        ctx.store.close(Side.SOURCE);
        ctx.store.close(Side.DESTINATION);
        return new Journal.Report(done, failed);
    }

    private static void add(Journal.Report r, List<String> done, List<String> failed) {
        done.addAll(r.done());
        failed.addAll(r.failed());
    }
}

package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.Cont;
import io.qmp4j.core.qapi.MigrateCancel;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.ObjectDel;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.migration.AttachedJob;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.JobInfo;
import io.qmp4j.migration.MigrationLimits;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.MigrationResult.Outcome;
import io.qmp4j.core.qapi.MigrationParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A job found by {@link Recovery}: finished or aborted from its records, which list every
 * change it made (written before each change, so a step may be listed that never happened: every
 * undo is idempotent), and from names: whatever qmp4j left that no record lists.
 */
final class Attached implements AttachedJob {

    private static final Set<MigrationStatus> FLOWED = Set.of(MigrationStatus.ACTIVE, MigrationStatus.PRE_SWITCHOVER,
            MigrationStatus.DEVICE, MigrationStatus.CANCELLING, MigrationStatus.FAILED, MigrationStatus.CANCELLED);

    private final Qmp qmp;
    private final JobInfo info;
    private final Optional<JobRecord> src;
    private final Optional<JobRecord> dst;
    private final List<String> done = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

    Attached(Qmp qmp, JobInfo info, Optional<JobRecord> src, Optional<JobRecord> dst) {
        this.qmp = qmp;
        this.info = info;
        this.src = src;
        this.dst = dst;
    }

    @Override
    public boolean found() {
        return info.state() != JobInfo.State.NONE;
    }

    @Override
    public JobInfo info() {
        return info;
    }

    @Override
    public CompletableFuture<MigrationResult> finish() {
        return async(() -> {
            MigrationStatus s = qmp.migrationStatus(Side.SOURCE);
            if (s != MigrationStatus.COMPLETED) {
                throw new IllegalStateException("QEMU has not completed the migration of job " + info.job() + " (the source's status"
                        + " is '" + s + "'): abort it instead" + (Recovery.ACTIVE.contains(s) ? ", or wait until it completes" : ""));
            }
            return finishCompleted();
        });
    }

    @Override
    public CompletableFuture<MigrationResult> abort() {
        return async(() -> {
            MigrationStatus s = qmp.migrationStatus(Side.SOURCE);
            if (s == MigrationStatus.COMPLETED) {
                done.add("QEMU had completed the migration, which cannot be undone without losing the VM: finished it instead");
                return finishCompleted();
            }
            if (!Recovery.CANCELLABLE.contains(s) && Recovery.ACTIVE.contains(s) && s != MigrationStatus.CANCELLING) {
                throw new IllegalStateException("the migration of job " + info.job() + " is in '" + s + "': the VM now lives on"
                        + " both sides and cannot be cancelled; wait until it completes, then finish it");
            }
            if (info.ownerAlive().orElse(false)) {
                // Its process may still drive it (or only its job died): undoing twice is safe, every step is idempotent.
                done.add("note: the process that started the job (pid " + info.ownerPid() + ") still runs");
            }
            cancel(s);
            boolean quit = dst.map(JobRecord::incoming).orElse(false) && FLOWED.contains(s) && qmp.alive(Side.DESTINATION);
            Journal j = journal();
            report(j.undo(u -> qmp.alive(u.side()) && !(quit && u.side() == Side.DESTINATION), new QemuUndoer(qmp)));
            cleanLeftovers(!quit);
            if (quit) {
                quitDestination();
            }
            deleteRecords(!quit);
            return result(Outcome.CANCELLED);
        });
    }

    @Override
    public CompletableFuture<MigrationResult> resumePostcopy(MigrationUri uri, Duration linkWait) {
        return async(() -> {
            MigrationStatus s = qmp.migrationStatus(Side.SOURCE);
            boolean postcopy = s.value().startsWith("postcopy-");
            if (!postcopy && s != MigrationStatus.COMPLETED) {
                throw new IllegalStateException("the migration of job " + info.job() + " is not in post-copy (the source's status is '"
                        + s + "'): nothing to resume");
            }
            Duration paused = new PostcopyRecovery(qmp, uri, uri, linkWait, Duration.ofSeconds(1)).run(false);
            if (!paused.isZero()) {
                done.add("resumed the post-copy migration over " + uri + " after " + paused.toMillis() + " ms");
            }
            awaitPostcopyEnd();
            return finishCompleted();
        });
    }

    /** Post-copy sends what is left at full speed: wait, as long as it moves, for the source's {@code completed}. */
    private void awaitPostcopyEnd() throws Failure {
        StallDetector stall = new StallDetector(Duration.ofSeconds(30));
        while (true) {
            MigrationInfo m = qmp.call(Side.SOURCE, new QueryMigrate());
            if (m.status() == MigrationStatus.COMPLETED) {
                return;
            }
            long moved = m.ram() == null || m.ram().transferred() == null ? 0 : m.ram().transferred();
            if (m.status() != MigrationStatus.POSTCOPY_ACTIVE || stall.stalled(moved, true)) {
                throw new Failure(FailureKind.POSTCOPY_PAUSED, "post-copy of job " + info.job() + " resumed but then stood in '"
                        + m.status() + "' without progress: resume it again when the link is back");
            }
            Waits.sleep(100);
        }
    }

    private MigrationResult finishCompleted() throws Failure {
        Journal j = journal();
        QemuUndoer undoer = new QemuUndoer(qmp);
        if (qmp.alive(Side.DESTINATION)) {
            report(j.undo(u -> u.action() == Undo.Action.NBD_SERVER_STOP, undoer));
            RunState r = qmp.runState(Side.DESTINATION);
            if (r != RunState.RUNNING && dst.map(JobRecord::resumeDestination).orElse(false)) {
                qmp.call(Side.DESTINATION, new Cont());
                done.add("resumed the VM on the destination (it was " + r + ")");
            }
        }
        report(j.undo(u -> u.onSuccess() && qmp.alive(u.side()), undoer));
        cleanLeftovers(true);
        deleteRecords(true);
        return result(Outcome.COMPLETED);
    }

    private void cancel(MigrationStatus s) throws Failure {
        if (!Recovery.CANCELLABLE.contains(s)) {
            return;
        }
        qmp.call(Side.SOURCE, new MigrateCancel());
        done.add("cancelled the migration on the source (migrate_cancel; it was " + s.value() + ")");
        if (Recovery.awaitEnd(qmp).isEmpty()) {
            failed.add("the source's migration did not end within " + qmp.step() + " of migrate_cancel");
        }
    }

    private Journal journal() {
        Journal j = new Journal((side, steps) -> { });
        dst.ifPresent(r -> j.adopt(r.undo()));
        src.ifPresent(r -> j.adopt(r.undo()));
        return j;
    }

    private void cleanLeftovers(boolean destinationToo) throws Failure {
        Leftovers l = new Leftovers(qmp);
        l.remove(Side.SOURCE, done, failed);
        if (destinationToo && qmp.alive(Side.DESTINATION)) {
            l.remove(Side.DESTINATION, done, failed);
        }
    }

    private void quitDestination() {
        try {
            qmp.call(Side.DESTINATION, new Quit());
            done.add("told the destination QEMU, which had received part of the state, to quit");
        } catch (Failure f) {
            done.add("the destination QEMU exited by itself");
        }
    }

    private void deleteRecords(boolean destinationToo) {
        for (Side side : Side.values()) {
            boolean has = side == Side.SOURCE ? src.isPresent() : dst.isPresent();
            if (has && qmp.alive(side) && (side == Side.SOURCE || destinationToo)) {
                try {
                    qmp.call(side, new ObjectDel(Names.RECORD_PREFIX + info.job()));
                    done.add("deleted the record of job " + info.job() + " on the " + side.label());
                } catch (Failure f) {
                    failed.add("could not delete the record of job " + info.job() + " on the " + side.label() + ": " + f.getMessage());
                }
            }
        }
    }

    private void report(Journal.Report r) {
        done.addAll(r.done());
        failed.addAll(r.failed());
    }

    private MigrationResult result(Outcome o) {
        Optional<FailureKind> kind = o == Outcome.CANCELLED ? Optional.of(FailureKind.CANCELLED) : Optional.empty();
        MigrationInfo m = info.migration();
        return new MigrationResult(info.job(), o, kind, Duration.ofMillis(m.totalTime() == null ? 0 : m.totalTime()),
                Duration.ofMillis(m.downtime() == null ? 0 : m.downtime()), Optional.empty(), Duration.ZERO, 0, 0,
                MigrationParameters.builder().build(), Map.of(), MigrationLimits.UNKNOWN, false, done, failed,
                kind.map(FailureKind::errorClass), kind.map(k -> "aborted"), List.of(), Optional.empty(), List.of());
    }

    private interface Work {
        MigrationResult run() throws Exception;
    }

    private synchronized CompletableFuture<MigrationResult> async(Work w) {
        CompletableFuture<MigrationResult> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(w.run());
            } catch (Failure e) {
                f.completeExceptionally(new IllegalStateException(e.getMessage(), e));
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        }, "qmp4j-recovery-" + info.job());
        t.setDaemon(true);
        t.start();
        return f;
    }
}

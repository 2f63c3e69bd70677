package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.migration.DiskCopy;
import io.qmp4j.migration.MigrationPlan;
import io.qmp4j.migration.MigrationProgress.Phase;
import java.util.List;

/** What the phases of one job share: the plan, the QEMUs, the journal, and the few facts that decide the rollback. */
final class JobContext {

    final MigrationPlan plan;
    final Names names;
    final Qmp qmp;
    final JobStore store;
    final Journal journal;
    final QemuUndoer undoer;
    final Progress progress;
    final JobObserver observer;
    final Reconnector reconnector;

    Settings settings;
    StorageCopy storage;
    /** The source VM was running when the job began. */
    boolean sourceWasRunning;
    /** Someone else paused the source during the migration: it stays paused, and so does the destination. */
    volatile boolean operatorPaused;
    /** This job sent {@code migrate-incoming} to the destination (whether or not it succeeded). */
    boolean incomingAttempted;
    /** This job made the destination listen ({@code migrate-incoming} succeeded). */
    boolean incomingStarted;
    /** The destination was asked not to exit when its incoming migration fails ({@code exit-on-error: false}, QEMU 9.1+). */
    boolean destinationStaysOnError;
    /** {@code migrate} was accepted by the source. */
    volatile boolean migrateSent;
    /** State began to flow to the destination (the source reported the migration active). */
    volatile boolean stateFlowed;
    /** The switchover was let go ({@code migrate-continue}) or QEMU completed: a cancel can no longer undo it. */
    volatile boolean pastNoReturn;
    boolean timeoutActionTaken;
    volatile boolean cancelRequested;
    volatile MigrationStatus status = MigrationStatus.NONE;
    /** The CPU isolation while the migration runs, when the plan asks for it; {@code null} otherwise. */
    final CpuPinning pinning;
    /** A bandwidth change asked for while the migration runs. */
    final BandwidthChange bandwidth = new BandwidthChange();
    /** Post-copy in this job, when the plan enables it; {@code null} otherwise. */
    final PostcopyState postcopy;

    JobContext(MigrationPlan plan, Names names, Qmp qmp) {
        this.plan = plan;
        this.names = names;
        this.qmp = qmp;
        this.store = new JobStore(qmp, names);
        this.observer = new JobObserver(names.job(), plan.listener(), plan.source().endpoint().toString(),
                plan.destination().endpoint().toString());
        this.journal = new Journal(store::save, observer);
        this.undoer = new QemuUndoer(qmp);
        this.progress = new Progress(p -> {
            plan.progressListener().accept(p);
            observer.progress(p);
        }, this::disks);
        this.reconnector = new Reconnector(qmp, plan.reconnect(), names.job());
        this.pinning = plan.cpuIsolation().map(i -> new CpuPinning(this, i)).orElse(null);
        this.postcopy = plan.postcopyEnabled() ? new PostcopyState(plan.postcopy().orElse(null)) : null;
    }

    /** At each tick while RAM moves: a bandwidth change asked for, and the migration threads' CPU isolation. */
    void whileActive() throws Failure {
        bandwidth.apply(this);
        if (pinning != null) {
            pinning.pinMigrationThreads();
        }
    }

    List<DiskCopy> disks() {
        return storage == null ? List.of() : storage.disks();
    }

    /** A phase change: to the listener and into the records. */
    void phase(Phase phase) {
        observer.phase(phase);
        progress.phase(phase, status);
        store.phase(phase.name().toLowerCase());
    }
}

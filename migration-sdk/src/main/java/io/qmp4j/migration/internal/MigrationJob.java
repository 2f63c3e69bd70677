package io.qmp4j.migration.internal;

import io.qmp4j.core.CommandLock;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationPlan;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationProgress.Phase;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationResult.Outcome;
import io.qmp4j.migration.PreflightException;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.migration.check.Checks;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One migration job on a thread of its own: pre-flight, set-up on both sides, the disks, the
 * transfer, then completion or rollback. Every change goes through the journal; the result is
 * built by {@link Results}.
 */
public final class MigrationJob implements MigrationHandle, Runnable {

    private static final Logger log = LoggerFactory.getLogger(MigrationJob.class);

    private final JobContext ctx;
    private final CompletableFuture<MigrationResult> completion = new CompletableFuture<>();
    /** The migration's end, while the job still holds its locks; {@link #completion} follows once they are released. */
    private final CompletableFuture<MigrationResult> outcome = new CompletableFuture<>();
    private final Results results;
    private boolean destinationWasWaiting;

    private MigrationJob(MigrationPlan plan) {
        Qmp qmp = new Qmp(plan.source(), plan.destination(), plan.stepTimeout());
        this.ctx = new JobContext(plan, Names.random(), qmp);
        this.results = new Results(ctx);
    }

    /** Starts a plan on a new daemon thread. */
    public static MigrationHandle start(MigrationPlan plan) {
        MigrationJob j = new MigrationJob(plan);
        Thread t = new Thread(j, "qmp4j-migration-" + j.job());
        t.setDaemon(true);
        t.start();
        return j;
    }

    @Override
    public String job() {
        return ctx.names.job();
    }

    @Override
    public MigrationProgress progress() {
        return ctx.progress.current();
    }

    @Override
    public CompletableFuture<MigrationResult> completion() {
        return completion;
    }

    @Override
    public CompletableFuture<MigrationResult> cancel() {
        ctx.cancelRequested = true;
        return completion;
    }

    @Override
    public CompletableFuture<Void> startPostcopy() {
        if (ctx.postcopy == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("post-copy is not enabled in this migration:"
                    + " Migration.builder().postcopy(Postcopy.onDemand())"));
        }
        ctx.postcopy.request();
        return ctx.postcopy.switchedFuture();
    }

    @Override
    public CompletableFuture<Void> setBandwidth(long bytesPerSecond) {
        if (completion.isDone()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the migration has ended"));
        }
        return ctx.bandwidth.request(bytesPerSecond);
    }

    @Override
    public boolean cancellable() {
        return !completion.isDone() && !ctx.pastNoReturn;
    }

    @Override
    public void run() {
        ctx.observer.phase(Phase.PREFLIGHT);
        QmpClient src = ctx.plan.source();
        QmpClient dst = ctx.plan.destination();
        try (CommandLock sl = src.lock(Checks.LIFECYCLE_COMMANDS, "a migration from this VM is running (job " + job() + ")");
             CommandLock dl = dst.lock(Checks.LIFECYCLE_COMMANDS, "a migration to this VM is running (job " + job() + ")");
             EventSubscription srcEvents = src.events().subscribe(Transfer.SOURCE_EVENTS);
             Reconnector reconnects = ctx.reconnector) {
            ctx.qmp.locks(sl, dl);
            preflight();
            try {
                outcome.complete(migrate(srcEvents));
            } catch (Failure f) {
                fail(f);
            } catch (RuntimeException e) {
                fail(new Failure(FailureKind.UNEXPECTED, String.valueOf(e.getMessage()), null, e));
            }
        } catch (PreflightException e) {
            outcome.completeExceptionally(e);
        } catch (Failure f) {
            outcome.completeExceptionally(new MigrationException("migration failed: " + f.getMessage(),
                    results.failed(f, Optional.empty(), List.of(), List.of()), f));
        } catch (RuntimeException e) {
            log.debug("migration job {} failed", job(), e);
            Failure f = new Failure(FailureKind.UNEXPECTED, String.valueOf(e.getMessage()), null, e);
            outcome.completeExceptionally(new MigrationException("migration failed: " + e.getMessage(),
                    results.failed(f, Optional.empty(), List.of(), List.of()), e));
        } finally {
            ctx.bandwidth.ended();
            if (ctx.postcopy != null) {
                ctx.postcopy.ended();
            }
            ctx.observer.phase(Phase.DONE);
            ctx.progress.phase(Phase.DONE, ctx.status);
            // Only now, the locks released: a caller that acts on the VMs once the migration ended is not refused.
            outcome.whenComplete((r, x) -> {
                ctx.observer.finished(r, x);
                if (x != null) {
                    completion.completeExceptionally(x);
                } else {
                    completion.complete(r);
                }
            });
        }
    }

    private void preflight() throws Failure {
        ctx.progress.phase(Phase.PREFLIGHT, ctx.status);
        Preflight.Outcome o = new Preflight(ctx).run();
        if (!o.problems().isEmpty()) {
            throw new PreflightException(o.problems(), results.refused(o.problems()));
        }
        ctx.settings = o.settings();
        destinationWasWaiting = ctx.qmp.runState(Side.DESTINATION) == RunState.INMIGRATE;
        if (ctx.plan.storage() instanceof Storage.Copy copy) {
            log.info("copy-storage: copying {}", o.disks().stream().map(p -> p.source().id() + " (" + p.source().file() + " -> "
                    + p.destination().file() + ")").toList());
            TlsCredentials t = ctx.plan.tls().orElse(null);
            StorageCopy.Tls tls = t == null ? null : new StorageCopy.Tls(ctx.names.tls(),
                    t.authorizedClients().isEmpty() ? null : ctx.names.authz(), t.hostname().orElse(null));
            ctx.storage = new StorageCopy(ctx.qmp, ctx.journal, ctx.names, copy, ctx.plan.uri(), o.disks(), tls);
        }
    }

    private MigrationResult migrate(EventSubscription srcEvents) throws Failure {
        // The records first, so that from the first line of SETUP on a job is always found again.
        ctx.store.open(Side.DESTINATION);
        try {
            ctx.store.open(Side.SOURCE);
        } catch (Failure f) {
            if (String.valueOf(f.getMessage()).contains("duplicate property")) {
                throw new Failure(FailureKind.COMMAND_FAILED, "the source and the destination are the same QEMU (the job's record,"
                        + " just added on the destination, is already on the source): give the monitor of the incoming QEMU");
            }
            throw f;
        }
        ctx.phase(Phase.SETUP);
        Setup setup = new Setup(ctx);
        setup.destination();
        setup.source();
        Transfer transfer = new Transfer(ctx);
        if (ctx.storage != null) {
            new StoragePhase(ctx).run();
        }
        if (ctx.cancelRequested) {
            throw new Failure(FailureKind.CANCELLED, "cancelled before the migration started");
        }
        setup.start();
        transfer.run(srcEvents);
        ctx.reconnector.ensureBoth();
        Completion c = new Completion(ctx);
        MigrationInfo info = c.finalStats();
        Journal.Report r = c.finish(ctx.sourceWasRunning && !ctx.operatorPaused);
        return results.completed(info, r);
    }

    private void fail(Failure f) {
        log.debug("migration job {} from {} to {} failed: {}", job(), ctx.plan.source().endpoint(), ctx.plan.destination().endpoint(),
                f.getMessage());
        if (ctx.postcopy != null && ctx.postcopy.hasSwitched()) {
            failInPostcopy(f);
            return;
        }
        Rollback rb = new Rollback(ctx);
        Optional<MigrationInfo> info = rb.run(destinationWasWaiting);
        MigrationResult r = results.failed(f, info, rb.done(), rb.failed());
        String what = f.kind().isCancel() ? "migration cancelled" : "migration failed";
        String undone = r.rolledBack().isEmpty() ? "" : " (rolled back: " + String.join("; ", r.rolledBack()) + ")";
        String notUndone = r.notUndone().isEmpty() ? "" : " (NOT undone: " + String.join("; ", r.notUndone()) + ")";
        outcome.completeExceptionally(new MigrationException(what + ": " + f.getMessage() + undone + notUndone, r, f));
    }

    /**
     * Past the switch to post-copy nothing can be undone: the VM runs on the destination with
     * part of its memory still on the source. Nothing is cancelled, resumed or removed; the
     * records stay, so that {@code attach} finds the job.
     */
    private void failInPostcopy(Failure f) {
        Optional<MigrationInfo> info = Optional.empty();
        try {
            info = Optional.of(ctx.qmp.call(Side.SOURCE, new QueryMigrate()));
        } catch (Failure gone) {
            log.debug("post-copy: cannot read the source's state: {}", gone.getMessage());
        }
        String state = f.kind() == FailureKind.POSTCOPY_PAUSED ? "the migration is paused in post-copy on both QEMUs"
                : "the migration was in post-copy: the VM's memory is split between the QEMUs and it cannot be rolled back";
        MigrationResult r = results.failed(f, info, List.of(), List.of(state + "; nothing was undone, the job's settings and"
                + " records stay for Migration.attach (resumePostcopy, or finish once QEMU completed)"));
        outcome.completeExceptionally(new MigrationException("migration failed in post-copy: " + f.getMessage(), r, f));
    }
}

package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.Cont;
import io.qmp4j.core.qapi.MigrateCancel;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.migration.DestinationPolicy;
import io.qmp4j.migration.MigrationProgress.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes a job that failed or was cancelled: cancels QEMU's migration if it still runs, runs the
 * journal in reverse (each step attempted even when one before failed), resumes the source if
 * the migration left it paused, and tells the destination to quit only when it is this job's
 * incoming QEMU and state had begun to flow to it (or its VM died with the source, or its
 * incoming migration failed: a QEMU 9.1+ destination asked not to exit on that error cannot take
 * another one).
 */
final class Rollback {

    private static final Logger log = LoggerFactory.getLogger(Rollback.class);

    private final JobContext ctx;
    private final Qmp qmp;
    private final List<String> done = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

    Rollback(JobContext ctx) {
        this.ctx = ctx;
        this.qmp = ctx.qmp;
    }

    /**
     * @param destinationWasWaiting whether the destination was waiting for an incoming migration when the job began
     * @return the source's last {@code query-migrate}, when it could be read, and what was undone
     */
    Optional<MigrationInfo> run(boolean destinationWasWaiting) {
        ctx.progress.phase(Phase.ROLLING_BACK, ctx.status);
        Optional<MigrationInfo> info = cancel();
        boolean quit = ctx.plan.onFailure() == DestinationPolicy.QUIT && destinationWasWaiting && qmp.has(Side.DESTINATION)
                && (ctx.stateFlowed || !qmp.alive(Side.SOURCE) || Diagnosis.incomingFailed(ctx));
        Journal.Report r = ctx.journal.undo(u -> qmp.alive(u.side()) && !(quit && u.side() == Side.DESTINATION), ctx.undoer);
        done.addAll(r.done());
        failed.addAll(r.failed());
        resumeSource();
        stuckIncoming();
        if (quit) {
            quitDestination();
            ctx.store.drop(Side.DESTINATION);
        } else {
            ctx.store.close(Side.DESTINATION);
        }
        ctx.store.close(Side.SOURCE);
        return info;
    }

    List<String> done() {
        return done;
    }

    List<String> failed() {
        return failed;
    }

    private Optional<MigrationInfo> cancel() {
        if (!ctx.migrateSent || !qmp.alive(Side.SOURCE)) {
            return Optional.empty();
        }
        try {
            MigrationInfo info = qmp.call(Side.SOURCE, new QueryMigrate());
            if (Recovery.CANCELLABLE.contains(Qmp.statusOf(info))) {
                qmp.call(Side.SOURCE, new MigrateCancel());
                done.add("cancelled the migration on the source (migrate_cancel)");
            }
            Optional<MigrationInfo> ended = Recovery.awaitEnd(qmp);
            if (ended.isEmpty()) {
                failed.add("the source's migration did not end within " + qmp.step() + " of migrate_cancel");
            }
            return ended.isPresent() ? ended : Optional.of(info);
        } catch (Failure e) {
            failed.add("could not cancel the migration on the source: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** QEMU resumes a source it paused itself; a source paused for the switchover and not resumed is resumed here. */
    private void resumeSource() {
        if (!qmp.alive(Side.SOURCE) || !ctx.sourceWasRunning || ctx.operatorPaused) {
            return;
        }
        try {
            RunState s = qmp.runState(Side.SOURCE);
            if (s != RunState.RUNNING && s != RunState.POSTMIGRATE && s != RunState.SHUTDOWN) {
                qmp.call(Side.SOURCE, new Cont());
                done.add("resumed the source VM (it was " + s + ")");
            }
        } catch (Failure e) {
            failed.add("could not resume the source VM: " + e.getMessage());
        }
    }

    /**
     * QEMU 10.0 leaves a destination whose {@code migrate-incoming} failed (a port in use) in the
     * incoming state {@code setup}, and refuses every later {@code migrate-incoming} ("Illegal
     * migration incoming state"); 7.2 went back to waiting. Nothing can undo that: said plainly.
     */
    private void stuckIncoming() {
        if (!ctx.incomingAttempted || ctx.incomingStarted || !qmp.alive(Side.DESTINATION)) {
            return;
        }
        try {
            if (qmp.migrationStatus(Side.DESTINATION) == MigrationStatus.SETUP) {
                failed.add("the destination QEMU cannot take another incoming migration: after its migrate-incoming failed,"
                        + " it stays in the incoming state 'setup' (QEMU 10.0 does; 7.2 went back to waiting); start a new"
                        + " destination QEMU");
            }
        } catch (Failure e) {
            log.debug("query-migrate on the destination: {}", e.getMessage());
        }
    }

    private void quitDestination() {
        if (!qmp.alive(Side.DESTINATION)) {
            done.add(ctx.destinationStaysOnError ? "the destination QEMU had exited"
                    : "the destination QEMU had exited (QEMUs before 9.1 exit after a failed incoming migration)");
            return;
        }
        try {
            qmp.call(Side.DESTINATION, new Quit());
            done.add("told the destination QEMU to quit");
        } catch (Failure e) {
            log.debug("quit: {}", e.getMessage());
            done.add("the destination QEMU exited by itself");
        }
    }
}

package io.qmp4j.migration.internal;

import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.core.qapi.MigrateCancel;
import io.qmp4j.core.qapi.MigrateContinue;
import io.qmp4j.core.qapi.MigrationEvent;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.qapi.Stop;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.MigrationProgress.Phase;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration itself, as a state machine: QEMU's {@code MIGRATION} events move it from state to
 * state, and a timer tick (at most every 100 ms) samples progress, detects a stall, takes the
 * timeout action, carries out a cancel, and notices a QEMU that went away. It returns when QEMU
 * reports the migration completed, and throws the {@link Failure} that ended it otherwise.
 */
final class Transfer {

    private static final Logger log = LoggerFactory.getLogger(Transfer.class);
    /** The source's events the transfer follows. */
    static final java.util.Set<String> SOURCE_EVENTS = java.util.Set.of(MigrationEvent.NAME, "MIGRATION_PASS", "STOP", "RESUME");

    private final JobContext ctx;
    private final Qmp qmp;
    private final StallDetector stall;
    private final PostcopyPhase postcopy;
    private final long tickNanos;
    private long deadline = Long.MAX_VALUE;
    private long nextSample;
    private boolean cancelSent;
    private boolean timeoutCancel;
    private boolean ourStop;
    private boolean checkPause;
    private boolean noReturnLogged;
    private long destinationGoneNanos;
    private long progressPasses;
    private long progressRemaining;
    /** How long the source may take to report why its destination went away. */
    private static final long DESTINATION_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    Transfer(JobContext ctx) {
        this.ctx = ctx;
        this.qmp = ctx.qmp;
        this.stall = new StallDetector(ctx.plan.stallTimeout());
        this.postcopy = new PostcopyPhase(ctx);
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(100, ctx.plan.pollInterval().toMillis()));
    }

    /** Runs from {@code migrate} to QEMU's {@code completed}. */
    void run(EventSubscription srcEvents) throws Failure {
        // Like virsh --timeout: counted from the start of the migration itself, not of the checks.
        ctx.plan.timeout().ifPresent(t -> deadline = System.nanoTime() + t.toNanos());
        ctx.status = MigrationStatus.SETUP;
        ctx.phase(Phase.MIGRATING);
        if (ctx.postcopy != null) {
            ctx.postcopy.migrationStarted();
        }
        Waits.Next next = new Waits.Next(srcEvents);
        EventSubscription renewed = null;
        try {
            while (ctx.status != MigrationStatus.COMPLETED) {
                try {
                    Optional<QmpEvent> e = next.await(tickNanos);
                    if (e.isPresent()) {
                        onSourceEvent(e.get());
                    }
                    if (ctx.status != MigrationStatus.COMPLETED) {
                        tick();
                    }
                } catch (Failure f) {
                    Side back = ctx.reconnector.lost(f);
                    if (back == null) {
                        throw f;
                    }
                    if (back == Side.SOURCE) {
                        renewed = resubscribe(renewed);
                        next = new Waits.Next(renewed);
                    }
                    onStatus(qmp.migrationStatus(Side.SOURCE)); // what the lost connection missed
                }
            }
        } finally {
            if (renewed != null) {
                renewed.close();
            }
        }
    }

    /** The source's events, on the connection that replaced a lost one. */
    private EventSubscription resubscribe(EventSubscription old) {
        if (old != null) {
            old.close();
        }
        return qmp.client(Side.SOURCE).events().subscribe(SOURCE_EVENTS);
    }

    private void onSourceEvent(QmpEvent e) throws Failure {
        switch (e.name()) {
            case MigrationEvent.NAME -> onStatus(e.as(MigrationEvent.class).status());
            case "MIGRATION_PASS" -> ctx.progress.pass(e.data().path("pass").asLong());
            case "STOP" -> {
                checkPause = !ourStop;
            }
            case "RESUME" -> {
                if (ctx.operatorPaused) {
                    ctx.operatorPaused = false;
                    ctx.store.destinationFlags(ctx.sourceWasRunning, true);
                }
            }
            default -> log.trace("ignored {}", e.name());
        }
    }

    private void onStatus(MigrationStatus s) throws Failure {
        log.debug("source migration status: {}", s);
        ctx.status = s;
        switch (s.known()) {
            case ACTIVE, DEVICE -> ctx.stateFlowed = true;
            case PRE_SWITCHOVER -> {
                ctx.stateFlowed = true;
                switchover();
            }
            case POSTCOPY_ACTIVE -> {
                pastNoReturn();
                postcopy.active();
            }
            case POSTCOPY_PAUSED -> {
                pastNoReturn();
                recover(false);
            }
            case POSTCOPY_RECOVER, POSTCOPY_RECOVER_SETUP, COMPLETED -> pastNoReturn();
            case FAILED -> throw cancelSent ? cancelled() : new Failure(FailureKind.MIGRATION_FAILED,
                    "QEMU reports the migration failed: " + new Diagnosis(ctx).errorDesc());
            case CANCELLED -> throw cancelled();
            default -> log.trace("status {}", s);
        }
    }

    /** The link broke in post-copy (QEMU says so) or stalled: recover, then count stalls afresh. */
    private void recover(boolean stalled) throws Failure {
        if (ctx.postcopy != null) {
            postcopy.recover(stalled);
            stall.stalled(-1, false);
        }
    }

    private void pastNoReturn() {
        ctx.stateFlowed = true;
        ctx.pastNoReturn = true;
    }

    /** The source waits at {@code pre-switchover} (copy-storage): end the mirrors, then let it switch over. */
    private void switchover() throws Failure {
        if (ctx.storage == null || ctx.pastNoReturn) {
            return;
        }
        if (ctx.cancelRequested) {
            sendCancel();
            return;
        }
        // From here on a cancel is not taken: the mirrors end and the VM switches over. A failure
        // before migrate-continue still rolls back (the source waits at pre-switchover).
        ctx.pastNoReturn = true;
        ctx.phase(Phase.SWITCHOVER);
        ctx.storage.completeAtSwitchover(ctx.undoer);
        qmp.call(Side.SOURCE, new MigrateContinue(MigrationStatus.PRE_SWITCHOVER));
    }

    private void tick() throws Failure {
        if (!qmp.alive(Side.SOURCE)) {
            throw new Failure(FailureKind.SOURCE_GONE, "the source QEMU went away during the migration");
        }
        if (!qmp.alive(Side.DESTINATION) && !ctx.pastNoReturn && !cancelSent) {
            destinationGone();
        } else {
            destinationGoneNanos = 0;
        }
        if (checkPause) {
            checkPause = false;
            notePause();
        }
        if (ctx.postcopy != null && !ctx.pastNoReturn && ctx.postcopy.due(progressPasses, progressRemaining)) {
            postcopy.start(progressPasses);
        }
        if (ctx.cancelRequested && !cancelSent) {
            if (ctx.pastNoReturn) {
                if (!noReturnLogged) {
                    noReturnLogged = true;
                    log.info("cancel asked past the point of no return ({}): the migration is finished instead", ctx.status);
                }
            } else {
                sendCancel();
            }
        }
        if (ctx.status == MigrationStatus.ACTIVE && !cancelSent && !ctx.pastNoReturn) {
            ctx.whileActive();
        }
        long now = System.nanoTime();
        if (!ctx.timeoutActionTaken && now >= deadline && !ctx.pastNoReturn) {
            timeoutAction();
        }
        if (now >= nextSample) {
            nextSample = now + ctx.plan.pollInterval().toNanos();
            sample();
        }
    }

    /**
     * The destination's monitor closed: a cancel by another client or a failed handshake (QEMU
     * 7.2's destination exits before the source reports either), or it died. The source has a
     * moment to say which: its own reason is the better one.
     */
    private void destinationGone() throws Failure {
        if (destinationGoneNanos == 0) {
            destinationGoneNanos = System.nanoTime();
        }
        MigrationStatus s = qmp.migrationStatus(Side.SOURCE);
        if (s == MigrationStatus.CANCELLING || s == MigrationStatus.CANCELLED || s == MigrationStatus.FAILED) {
            onStatus(s);
            return; // CANCELLING: the CANCELLED event follows
        }
        if (System.nanoTime() - destinationGoneNanos > DESTINATION_GRACE_NANOS) {
            throw new Failure(FailureKind.DESTINATION_GONE, "the destination QEMU went away during the migration");
        }
    }

    /** A STOP that qmp4j did not cause: an operator's {@code stop} keeps the VM paused, on whichever side it ends up. */
    private void notePause() throws Failure {
        RunState r = qmp.runState(Side.SOURCE);
        if (r == RunState.PAUSED && !ctx.pastNoReturn) {
            log.info("the source VM was paused by another client during the migration: it stays paused");
            ctx.operatorPaused = true;
            ctx.store.destinationFlags(false, ctx.incomingStarted);
        }
    }

    private void sendCancel() throws Failure {
        cancelSent = true;
        ctx.phase(Phase.ROLLING_BACK);
        qmp.call(Side.SOURCE, new MigrateCancel());
    }

    private void timeoutAction() throws Failure {
        ctx.timeoutActionTaken = true;
        log.info("migration did not complete within {}: {}", ctx.plan.timeout().orElseThrow(), ctx.plan.timeoutAction());
        ctx.phase(Phase.TIMEOUT_ACTION);
        switch (ctx.plan.timeoutAction()) {
            case SUSPEND -> {
                ourStop = true;
                ctx.journal.perform(Undo.resume(Side.SOURCE), () -> qmp.call(Side.SOURCE, new Stop()));
            }
            case POSTCOPY -> postcopy.start(progressPasses);
            case CANCEL -> {
                timeoutCancel = true;
                sendCancel();
            }
        }
    }

    private void sample() throws Failure {
        boolean inPostcopy = ctx.status == MigrationStatus.POSTCOPY_ACTIVE;
        boolean ram = ctx.status == MigrationStatus.ACTIVE || ctx.status == MigrationStatus.DEVICE || inPostcopy;
        if (ctx.storage != null && ctx.status == MigrationStatus.ACTIVE) {
            ctx.storage.poll(); // a mirror that fails while RAM moves fails the migration
        }
        MigrationInfo i = qmp.call(Side.SOURCE, new QueryMigrate());
        Phase phase = cancelSent ? Phase.ROLLING_BACK : inPostcopy ? Phase.POSTCOPY
                : ctx.timeoutActionTaken ? Phase.TIMEOUT_ACTION : Phase.MIGRATING;
        ctx.progress.sample(phase, ctx.status, i);
        long moved = i.ram() == null || i.ram().transferred() == null ? 0 : i.ram().transferred();
        if (i.ram() != null) {
            progressPasses = i.ram().dirtySyncCount() == null ? 0 : i.ram().dirtySyncCount();
            progressRemaining = i.ram().remaining() == null ? 0 : i.ram().remaining();
        }
        boolean stalled = stall.stalled(moved, ram && !cancelSent);
        if (stalled && inPostcopy) {
            recover(true);
            return;
        }
        if (stalled) {
            throw new Failure(FailureKind.STALLED, "the migration sent nothing for " + stall.seconds()
                    + " s: the network to the destination seems interrupted");
        }
    }

    private Failure cancelled() {
        if (timeoutCancel) {
            return new Failure(FailureKind.TIMED_OUT, "the migration did not complete within " + ctx.plan.timeout().orElseThrow()
                    + " and was cancelled");
        }
        if (cancelSent) {
            return new Failure(FailureKind.CANCELLED, "cancelled");
        }
        return new Failure(FailureKind.CANCELLED_ELSEWHERE, "the migration was cancelled by another client of the source"
                + " (migrate_cancel)");
    }
}

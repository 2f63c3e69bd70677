package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.Cont;
import io.qmp4j.core.qapi.MigrateStartPostcopy;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.migration.MigrationProgress.Phase;
import io.qmp4j.migration.Postcopy;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The post-copy steps of a transfer: the switch, the destination resumed at once, recovery after a broken link. */
final class PostcopyPhase {

    private static final Logger log = LoggerFactory.getLogger(PostcopyPhase.class);

    private final JobContext ctx;
    private final Qmp qmp;

    PostcopyPhase(JobContext ctx) {
        this.ctx = ctx;
        this.qmp = ctx.qmp;
    }

    void start(long passes) throws Failure {
        ctx.postcopy.sent();
        log.info("switching to post-copy (migrate-start-postcopy) after {} full pre-copy pass(es)", Math.max(0, passes - 1));
        qmp.call(Side.SOURCE, new MigrateStartPostcopy());
    }

    /**
     * Post-copy runs: the VM runs on the destination from now on. A destination started paused
     * ({@code -S}) stays paused after the switch: resume it at once when the VM was running,
     * or post-copy would be one long downtime.
     */
    void active() throws Failure {
        if (ctx.postcopy == null || ctx.postcopy.hasSwitched()) {
            return;
        }
        ctx.postcopy.switched();
        ctx.phase(Phase.POSTCOPY);
        log.info("post-copy: the VM runs on the destination after {} ms of pre-copy", ctx.postcopy.precopyTime().toMillis());
        if (ctx.sourceWasRunning && !ctx.operatorPaused
                && qmp.runState(Side.DESTINATION) == RunState.PAUSED) {
            qmp.call(Side.DESTINATION, new Cont());
        }
    }

    /** The post-copy link broke (QEMU says so) or stalled (nothing moved): pause, wait for it, resume. */
    void recover(boolean stalled) throws Failure {
        ctx.phase(Phase.POSTCOPY_RECOVERING);
        Postcopy p = ctx.plan.postcopy().orElse(Postcopy.onDemand());
        PostcopyRecovery r = new PostcopyRecovery(qmp, ctx.plan.uri(), ctx.plan.listenUri(), p.linkWait(), p.retryInterval());
        long start = System.nanoTime();
        try {
            Duration paused = r.run(stalled);
            ctx.postcopy.recovered(paused, !paused.isZero());
        } catch (Failure f) {
            ctx.postcopy.recovered(Duration.ofNanos(System.nanoTime() - start), false);
            throw f;
        }
        ctx.status = qmp.migrationStatus(Side.SOURCE);
        ctx.phase(Phase.POSTCOPY);
    }
}

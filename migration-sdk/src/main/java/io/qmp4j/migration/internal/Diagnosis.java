package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** QEMU's reason for a failed migration, with what qmp4j can add to it. */
final class Diagnosis {

    /** How long the destination may take to report the failure the source already saw. */
    private static final long SETTLE_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(Diagnosis.class);

    private final JobContext ctx;

    Diagnosis(JobContext ctx) {
        this.ctx = ctx;
    }

    String errorDesc() {
        try {
            MigrationInfo i = ctx.qmp.call(Side.SOURCE, new QueryMigrate());
            String desc = i.errorDesc() != null ? i.errorDesc() : "(no reason given)";
            MigrationInfo d = destination(ctx, SETTLE_MILLIS);
            if (d != null && d.status() == MigrationStatus.FAILED && d.errorDesc() != null) {
                desc += "; the destination says: " + d.errorDesc();
            }
            if (ctx.plan.tls().isPresent() && (desc.contains("TLS channel") || refusedAtTheHandshake(desc, d))) {
                // What the source sees when the destination drops the handshake says nothing of why.
                desc += " (the destination refused the TLS handshake: it does not trust the source's client certificate,"
                        + " or tls-authz does not allow it; check the destination's ca-cert.pem)";
            }
            return desc;
        } catch (Failure e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /**
     * QEMU 10.0's destination that refuses a TLS client stays in its incoming state {@code setup}
     * and reports nothing; the source reads a reset connection, or — when it was writing as the
     * destination dropped the handshake — a broken pipe.
     */
    private static boolean refusedAtTheHandshake(String desc, MigrationInfo d) {
        return d != null && d.status() == MigrationStatus.SETUP && (desc.contains("Connection reset by peer")
                || desc.contains("Broken pipe"));
    }

    /** @return whether the destination kept running after its incoming migration failed (QEMU 9.1+ with exit-on-error off) */
    static boolean incomingFailed(JobContext ctx) {
        MigrationInfo d = destination(ctx, 0);
        return d != null && d.status() == MigrationStatus.FAILED;
    }

    /**
     * @return the {@code query-migrate} of a destination asked not to exit on error, once it
     *         reports its incoming migration failed or {@code settleMillis} passed (it may learn of
     *         the failure a moment after the source); {@code null} when there is none to ask
     */
    private static MigrationInfo destination(JobContext ctx, long settleMillis) {
        if (!ctx.destinationStaysOnError || !ctx.qmp.alive(Side.DESTINATION)) {
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMillis);
        try {
            while (true) {
                MigrationInfo d = ctx.qmp.call(Side.DESTINATION, new QueryMigrate());
                if (d.status() == MigrationStatus.FAILED || d.status() == MigrationStatus.COMPLETED || System.nanoTime() > deadline) {
                    log.debug("the destination's incoming migration is {}", d.status());
                    return d;
                }
                Thread.sleep(50);
            }
        } catch (Failure e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

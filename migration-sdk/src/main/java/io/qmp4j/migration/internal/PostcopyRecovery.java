package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.Migrate;
import io.qmp4j.core.qapi.MigratePause;
import io.qmp4j.core.qapi.MigrateRecover;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.MigrationUri;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a post-copy migration back over a link that broke: both QEMUs into
 * {@code postcopy-paused} ({@code migrate-pause}, out of band: the monitor's main loop may be
 * busy), then, until the link is back or the wait is over, {@code migrate-recover} on the
 * destination (out of band) and {@code migrate resume=true} on the source. A post-copy
 * migration is never cancelled: when the wait is over, both stay paused and the failure says so.
 *
 * <p>Not handled: a link that breaks after the source switched but before the destination
 * received the device state. The destination is then still in pre-copy ({@code active}), QEMU
 * 7.2 refuses {@code migrate-pause} there, and it fails its incoming migration when the link
 * returns; the attempts here cannot resume it, and the failure reports the paused source.
 * Nor, on QEMU 7.2, a link that fails again during the recovery handshake: 7.2's destination
 * cannot go from {@code postcopy-recover} back to {@code postcopy-paused} and crashes (10.0 pauses
 * again, and the next attempt resumes it); the job then fails as the destination gone.
 * Nor, on QEMU before 9.1, attempts that overlap: 7.2's {@code migrate resume=true} connects in
 * the background and stays {@code postcopy-paused} meanwhile, so an attempt whose connect hangs
 * (packets dropped rather than refused) looks like one that failed; when it completes after a
 * later attempt got through, {@code migrate_fd_connect} no longer sees a paused migration and
 * 7.2 aborts ({@code Assertion `!s->cleanup_bh'}). 9.1+ moves to {@code postcopy-recover-setup}
 * at once and refuses a second attempt. Where the network refuses or has no route, attempts end
 * at once and do not overlap.
 */
final class PostcopyRecovery {

    private static final Logger log = LoggerFactory.getLogger(PostcopyRecovery.class);
    /** How long one attempt may take to reach {@code postcopy-active} once the source connects. */
    private static final long ATTEMPT_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final Qmp qmp;
    private final MigrationUri uri;
    private final MigrationUri listenUri;
    private final Duration linkWait;
    private final Duration retryInterval;

    PostcopyRecovery(Qmp qmp, MigrationUri uri, MigrationUri listenUri, Duration linkWait, Duration retryInterval) {
        this.qmp = qmp;
        this.uri = uri;
        this.listenUri = listenUri;
        this.linkWait = linkWait;
        this.retryInterval = retryInterval;
    }

    /**
     * @param pauseFirst whether the link is only stalled: QEMU still reports {@code postcopy-active} and must be paused
     * @return the time the migration stood paused
     * @throws Failure {@link FailureKind#POSTCOPY_PAUSED} when the link did not come back in time
     */
    Duration run(boolean pauseFirst) throws Failure {
        long start = System.nanoTime();
        if (!pauseFirst && resumed(status(Side.SOURCE))) {
            return Duration.ZERO; // a postcopy-paused event from before the last recovery
        }
        if (pauseFirst) {
            pause(Side.SOURCE);
            pause(Side.DESTINATION);
        }
        long deadline = start + linkWait.toNanos();
        int attempt = 0;
        while (true) {
            attempt++;
            if (attemptResume(attempt)) {
                Duration paused = Duration.ofNanos(System.nanoTime() - start);
                log.info("post-copy resumed after {} ms ({} attempt(s))", paused.toMillis(), attempt);
                return paused;
            }
            if (System.nanoTime() + retryInterval.toNanos() > deadline) {
                throw new Failure(FailureKind.POSTCOPY_PAUSED, "the link to the destination broke in post-copy and did not"
                        + " come back within " + linkWait.toSeconds() + " s (" + attempt + " attempts): the migration is"
                        + " paused on both QEMUs, the VM's memory split between them, and nothing was undone. Resume it when"
                        + " the link is back: qmp4j migrate --postcopy-resume (same --source, --dest, --uri), or"
                        + " Migration.attach(source, destination).resumePostcopy(uri)");
            }
            Waits.sleep(retryInterval.toMillis());
        }
    }

    /** One try: the destination listening again, the source connecting to it. */
    private boolean attemptResume(int attempt) throws Failure {
        MigrationStatus d = status(Side.DESTINATION);
        if (d == MigrationStatus.POSTCOPY_PAUSED) {
            try {
                qmp.call(Side.DESTINATION, new MigrateRecover(listenUri.uri()));
            } catch (Failure f) {
                log.debug("migrate-recover (attempt {}): {}", attempt, f.getMessage());
                return false;
            }
        }
        MigrationStatus s = status(Side.SOURCE);
        if (s == MigrationStatus.POSTCOPY_PAUSED) {
            try {
                qmp.call(Side.SOURCE, Migrate.builder().uri(uri.uri()).resume(true).build());
            } catch (Failure f) {
                log.debug("migrate resume (attempt {}): {}", attempt, f.getMessage());
                return false;
            }
        }
        long until = System.nanoTime() + ATTEMPT_NANOS;
        while (System.nanoTime() < until) {
            s = status(Side.SOURCE);
            if (resumed(s)) {
                return true;
            }
            if (s == MigrationStatus.POSTCOPY_PAUSED) {
                log.debug("post-copy resume attempt {}: the source could not reach the destination", attempt);
                return false;
            }
            Waits.sleep(50);
        }
        return false;
    }

    private void pause(Side side) throws Failure {
        if (status(side) == MigrationStatus.POSTCOPY_ACTIVE) {
            log.info("the post-copy link seems broken: pausing the migration on the {} (migrate-pause)", side.label());
            qmp.call(side, new MigratePause());
        }
    }

    private MigrationStatus status(Side side) throws Failure {
        return qmp.migrationStatus(side);
    }

    private static boolean resumed(MigrationStatus s) {
        return s == MigrationStatus.POSTCOPY_ACTIVE || s == MigrationStatus.COMPLETED;
    }
}

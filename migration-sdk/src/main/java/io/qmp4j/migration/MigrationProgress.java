package io.qmp4j.migration;

import io.qmp4j.core.command.MigrationStatus;
import java.time.Duration;

/**
 * A snapshot of a running migration, from {@code MIGRATION} / {@code MIGRATION_PASS} events and
 * {@code query-migrate}.
 *
 * @param phase what the SDK is doing
 * @param status QEMU's migration status on the source
 * @param pass the current pass over dirty RAM (1 = the first full copy)
 * @param transferredBytes RAM bytes sent so far
 * @param remainingBytes RAM bytes still to send in this pass
 * @param totalBytes the guest's RAM
 * @param dirtyBytesPerSecond how fast the guest dirties memory now (0 until known)
 * @param throughputBytesPerSecond how fast the migration sends now
 * @param expectedDowntime the pause QEMU expects at switchover (zero until known)
 * @param cpuThrottlePercent auto-converge's current throttle
 * @param elapsed time since the migration started
 * @since 0.1
 */
public record MigrationProgress(Phase phase, MigrationStatus status, long pass, long transferredBytes, long remainingBytes,
                                long totalBytes, long dirtyBytesPerSecond, long throughputBytesPerSecond,
                                Duration expectedDowntime, int cpuThrottlePercent, Duration elapsed) {

    /** @return the share of RAM sent, 0 to 100, as in virsh's {@code domjobinfo} */
    public double percent() {
        if (totalBytes <= 0) {
            return 0;
        }
        return Math.min(100.0, 100.0 * (totalBytes - remainingBytes) / totalBytes);
    }

    /** What the SDK is doing. */
    public enum Phase {
        /** Checking the precautions. */
        PREFLIGHT,
        /** Setting capabilities and parameters, starting the destination listening. */
        SETUP,
        /** Copying RAM. */
        MIGRATING,
        /** The timeout passed; its action was taken. */
        TIMEOUT_ACTION,
        /** Switching over; resuming the destination. */
        SWITCHOVER,
        /** Undoing what was done after a failure or cancel. */
        ROLLING_BACK,
        /** Finished, one way or another. */
        DONE
    }
}

package io.qmp4j.migration;

import io.qmp4j.core.qapi.MigrationStatus;
import java.time.Duration;
import java.util.List;

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
 * @param disks the mirrors of a copy-storage migration, one per copied disk (empty otherwise)
 * @param postcopyRequests in post-copy: pages the destination has asked for because its VM touched them
 * @since 0.1
 */
public record MigrationProgress(Phase phase, MigrationStatus status, long pass, long transferredBytes, long remainingBytes,
                                long totalBytes, long dirtyBytesPerSecond, long throughputBytesPerSecond,
                                Duration expectedDowntime, int cpuThrottlePercent, Duration elapsed, List<DiskCopy> disks,
                                long postcopyRequests) {

    /** Copies the list. */
    public MigrationProgress {
        disks = List.copyOf(disks);
    }

    /** @return the share of all copied disks' data in sync, 0 to 100 (100 when no disk is copied) */
    public double storagePercent() {
        long done = 0;
        long total = 0;
        for (DiskCopy d : disks) {
            done += d.ready() ? d.totalBytes() : Math.min(d.copiedBytes(), d.totalBytes());
            total += d.totalBytes();
        }
        return total <= 0 ? 100 : Math.min(100.0, 100.0 * done / total);
    }

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
        /** Copying the disks of a copy-storage migration, until every mirror is in sync. */
        STORAGE,
        /** Copying RAM. */
        MIGRATING,
        /** The timeout passed; its action was taken. */
        TIMEOUT_ACTION,
        /** Switching over; resuming the destination. */
        SWITCHOVER,
        /** Post-copy: the VM runs on the destination, which pulls the pages it still lacks. */
        POSTCOPY,
        /** Post-copy with a broken link: both QEMUs paused, the job resuming as soon as the link is back. */
        POSTCOPY_RECOVERING,
        /** Undoing what was done after a failure or cancel. */
        ROLLING_BACK,
        /** Finished, one way or another. */
        DONE
    }
}

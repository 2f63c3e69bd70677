package io.qmp4j.migration;

import io.qmp4j.core.qapi.MigrationParameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a migration.
 *
 * @param job the job's id (unique per migration; it names qmp4j's objects, nodes and jobs in both QEMUs)
 * @param outcome how it ended
 * @param failure why it did not complete, when it did not
 * @param totalTime QEMU's {@code total-time} (zero when it never started)
 * @param downtime QEMU's {@code downtime}: its own final pause
 * @param guestPause how long the guest really stood still, from the source's {@code STOP} to the
 *                   destination's {@code RESUME}, when that differs from QEMU's downtime (the
 *                   timeout's suspend action, an operator's {@code stop}); timestamps of the two
 *                   QEMUs' clocks
 * @param setupTime QEMU's {@code setup-time}
 * @param transferredBytes RAM bytes sent
 * @param passes passes over dirty RAM ({@code dirty-sync-count})
 * @param parameters the migration parameters set on the source
 * @param capabilities the capabilities on for the migration (the source's)
 * @param limits the bandwidth and downtime limit that applied, and where each came from
 * @param timeoutActionTaken whether the timeout passed and its action was taken
 * @param rolledBack what was undone after a failure or cancel, in order
 * @param notUndone what could not be undone, and why (empty when everything was)
 * @param errorClass the QMP error class, or the {@link FailureKind#errorClass()}, of the failure, if any
 * @param errorMessage what went wrong, for humans, if anything did
 * @param disks the disks a copy-storage migration copied: bytes and time of each mirror (empty otherwise)
 * @param postcopy what post-copy did, when the migration switched to it
 * @param reconnects the monitor connections that dropped and were made again during the job, one line each
 * @since 0.1
 */
public record MigrationResult(String job, Outcome outcome, Optional<FailureKind> failure, Duration totalTime, Duration downtime,
                              Optional<Duration> guestPause, Duration setupTime, long transferredBytes, long passes,
                              MigrationParameters parameters, Map<String, Boolean> capabilities, MigrationLimits limits,
                              boolean timeoutActionTaken, List<String> rolledBack, List<String> notUndone,
                              Optional<String> errorClass, Optional<String> errorMessage, List<DiskCopy> disks,
                              Optional<PostcopyReport> postcopy, List<String> reconnects) {

    /** Copies the collections. */
    public MigrationResult {
        capabilities = Map.copyOf(capabilities);
        rolledBack = List.copyOf(rolledBack);
        notUndone = List.copyOf(notUndone);
        disks = List.copyOf(disks);
        reconnects = List.copyOf(reconnects);
    }

    /** @return whether the VM now runs on the destination */
    public boolean succeeded() {
        return outcome == Outcome.COMPLETED;
    }

    /** How a migration ended. */
    public enum Outcome {
        /** The VM runs on the destination; the source is {@code postmigrate}. */
        COMPLETED,
        /** It failed; the source runs (or is as paused as it was). */
        FAILED,
        /** It was cancelled (by {@link MigrationHandle#cancel()}, another client, or the timeout's cancel action); the source runs. */
        CANCELLED,
        /** A pre-flight check refused it; nothing was changed. */
        REFUSED
    }
}

package io.qmp4j.migration;

import io.qmp4j.core.command.MigrationParameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a migration.
 *
 * @param outcome how it ended
 * @param totalTime QEMU's {@code total-time} (zero when it never started)
 * @param downtime QEMU's {@code downtime}: its own final pause
 * @param setupTime QEMU's {@code setup-time}
 * @param transferredBytes RAM bytes sent
 * @param passes passes over dirty RAM ({@code dirty-sync-count})
 * @param parameters the migration parameters set on the source
 * @param capabilities the capabilities turned on for the migration
 * @param timeoutActionTaken whether the timeout passed and its action was taken
 * @param rolledBack what was undone after a failure or cancel, in order
 * @param errorClass the QMP error class or exception type of the failure, if any
 * @param errorMessage what went wrong, for humans, if anything did
 * @param disks the disks a copy-storage migration copied: bytes and time of each mirror (empty otherwise)
 * @since 0.1
 */
public record MigrationResult(Outcome outcome, Duration totalTime, Duration downtime, Duration setupTime, long transferredBytes,
                              long passes, MigrationParameters parameters, Map<String, Boolean> capabilities,
                              boolean timeoutActionTaken, List<String> rolledBack, Optional<String> errorClass,
                              Optional<String> errorMessage, List<DiskCopy> disks) {

    /** Copies the lists. */
    public MigrationResult {
        capabilities = Map.copyOf(capabilities);
        rolledBack = List.copyOf(rolledBack);
        disks = List.copyOf(disks);
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
        /** It was cancelled (by {@link MigrationHandle#cancel()} or the timeout's cancel action); the source runs. */
        CANCELLED,
        /** A pre-flight check refused it; nothing was changed. */
        REFUSED
    }
}

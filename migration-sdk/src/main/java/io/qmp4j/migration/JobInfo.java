package io.qmp4j.migration;

import io.qmp4j.core.qapi.MigrationInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Migration#attach} found of a job: its record and QEMU's own view.
 *
 * @param job the job's id ({@code ""} when no record was found)
 * @param state where the job stands
 * @param phase the last phase the job's process recorded ({@code ""} when no record was found)
 * @param sourceStatus the source's migration status ({@code query-migrate}), as QEMU names it
 * @param sourceRunState the source's run state, as QEMU names it
 * @param destinationStatus the destination's migration status, or {@code ""} when it was not reachable
 * @param destinationRunState the destination's run state, or {@code ""} when it was not reachable
 * @param ownerPid the process that started the job (0 when unknown)
 * @param ownerHost the host it ran on
 * @param started when it started
 * @param ownerAlive whether that process still runs: known only on its own host
 * @param migration the source's {@code query-migrate} (progress, bandwidth, expected downtime)
 * @param bandwidth the source's {@code max-bandwidth} now, bytes per second
 * @param pendingUndo what the records say is still to be undone, in the order it would be
 * @since 0.2
 */
public record JobInfo(String job, State state, String phase, String sourceStatus, String sourceRunState, String destinationStatus,
                      String destinationRunState, long ownerPid, String ownerHost, Optional<Instant> started,
                      Optional<Boolean> ownerAlive, MigrationInfo migration, long bandwidth, List<String> pendingUndo) {

    /** Copies the list. */
    public JobInfo {
        pendingUndo = List.copyOf(pendingUndo);
    }

    /** Where a job stands. */
    public enum State {
        /** No record and no migration: nothing to do. */
        NONE,
        /** Records of a job remain, but QEMU has no migration in progress (set-up done, or it failed or was cancelled): abort undoes it. */
        LEFT_OVER,
        /** QEMU is migrating: abort cancels and undoes it. */
        RUNNING,
        /** The source waits at {@code pre-switchover} (a copy-storage job whose process died): abort cancels, and the source resumes. */
        PAUSED_BEFORE_SWITCHOVER,
        /** Post-copy runs: the VM lives on both sides and cannot be cancelled; wait for it to complete, then finish. */
        POSTCOPY,
        /** QEMU completed the migration but the job was not finished: finish it. */
        COMPLETED
    }
}

package io.qmp4j.migration.internal;

import java.util.List;

/**
 * What a job keeps inside each QEMU it changed (the {@code identity} of an {@code authz-simple}
 * object named {@code qmp4j-job-ID}, which authorizes nothing: it is only a place to keep text).
 * Written before each change (write-ahead), so that at any instant it lists at least every change
 * made; it dies with its QEMU, so it can never be stale for another QEMU, and it is deleted as
 * the job's very last step.
 *
 * @param version the record's format
 * @param job the job's id
 * @param role this QEMU's side
 * @param pid the driving process
 * @param host the host it runs on
 * @param startedMillis when the job started, epoch milliseconds
 * @param peer the other QEMU's monitor
 * @param phase the last phase reached
 * @param resumeDestination whether the destination is to be resumed after the switchover (the VM
 *                          was running and nobody else paused it)
 * @param incoming whether this job started {@code migrate-incoming} on the destination
 * @param undo the compensating actions on this QEMU, oldest first
 */
public record JobRecord(int version, String job, Side role, long pid, String host, long startedMillis, String peer, String phase,
                        boolean resumeDestination, boolean incoming, List<Undo> undo) {

    /** The current format. */
    public static final int VERSION = 1;

    /** Copies the list. */
    public JobRecord {
        undo = undo == null ? List.of() : List.copyOf(undo);
    }

    JobRecord with(String newPhase, boolean resume, boolean incomingStarted, List<Undo> steps) {
        return new JobRecord(version, job, role, pid, host, startedMillis, peer, newPhase, resume, incomingStarted, steps);
    }
}

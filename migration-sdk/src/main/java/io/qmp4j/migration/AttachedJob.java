package io.qmp4j.migration;

import java.util.concurrent.CompletableFuture;

/**
 * A job found on two QEMUs by {@link Migration#attach}: typically one whose driving process
 * died. Its record (kept inside each QEMU) says what was changed; QEMU says how far the
 * migration got. Thread-safe; {@link #finish()} and {@link #abort()} each run once.
 *
 * @since 0.2
 */
public interface AttachedJob {

    /** @return whether a job (a record, or a migration in progress) was found at all */
    boolean found();

    /** @return what was found */
    JobInfo info();

    /**
     * Finishes a job whose migration QEMU completed: resumes the destination when qmp4j's job
     * would have (the VM was running and nobody else paused it), stops the NBD server, removes
     * qmp4j's objects and records, restores the parameters and capabilities the job changed.
     *
     * @return the result; fails with {@link IllegalStateException} when QEMU has not completed the migration
     */
    CompletableFuture<MigrationResult> finish();

    /**
     * Aborts the job: {@code migrate_cancel} while it runs (also when the source waits at
     * {@code pre-switchover}), a wait until QEMU reports it cancelled, then every recorded
     * change undone in reverse. A job that QEMU already completed cannot be undone without
     * losing the VM: it is finished instead, and the result says so (outcome {@code COMPLETED}).
     *
     * @return the result (outcome {@code CANCELLED}, or {@code COMPLETED} when it was finished instead)
     */
    CompletableFuture<MigrationResult> abort();

    /**
     * Resumes a post-copy migration that a broken link paused (virsh {@code --postcopy-resume}):
     * {@code migrate-recover} on the destination and {@code migrate resume=true} on the source,
     * tried every second until the link is back or {@code linkWait} is over; then waits for QEMU
     * to complete and finishes the job as {@link #finish()} does.
     *
     * @param uri the migration address (the destination listens there again)
     * @param linkWait how long to keep trying
     * @return the result; fails with {@link IllegalStateException} when the migration is not in post-copy, and with
     *         {@link IllegalStateException} carrying {@link FailureKind#POSTCOPY_PAUSED}'s message when the link did not come back
     */
    CompletableFuture<MigrationResult> resumePostcopy(MigrationUri uri, java.time.Duration linkWait);
}

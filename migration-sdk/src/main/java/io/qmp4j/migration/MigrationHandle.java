package io.qmp4j.migration;

import java.util.concurrent.CompletableFuture;

/**
 * A running migration. Thread-safe.
 *
 * @since 0.1
 */
public interface MigrationHandle {

    /** @return the job's id: it names qmp4j's objects, nodes and jobs in both QEMUs, and its record there */
    String job();

    /** @return the latest progress snapshot */
    MigrationProgress progress();

    /**
     * @return completes with the result when the VM runs on the destination; fails with
     *         {@link PreflightException} when a check refused it, and with
     *         {@link MigrationException} (carrying the result: what failed, what was undone)
     *         when it failed or was cancelled
     */
    CompletableFuture<MigrationResult> completion();

    /**
     * Cancels the migration: {@code migrate_cancel} on the source, a wait until QEMU reports it
     * cancelled, then the journal undone in reverse. Once QEMU has passed the point of no return
     * (the switchover is under way or done, or post-copy runs) a cancel would lose the VM: the
     * migration is then finished instead, and {@link #completion()} completes normally.
     *
     * @return {@link #completion()}
     */
    CompletableFuture<MigrationResult> cancel();

    /**
     * Switches the migration to post-copy now (virsh {@code migrate-postcopy}); it must have been
     * enabled ({@link Migration.Builder#postcopy}). Past the switch it cannot be cancelled.
     *
     * @return completes when the source reports {@code postcopy-active}; fails with
     *         {@link IllegalStateException} when post-copy is not enabled, and when the
     *         migration ended before it switched
     */
    CompletableFuture<Void> startPostcopy();

    /**
     * Changes the source's bandwidth limit while the migration runs (virsh {@code migrate-setspeed}
     * during a migration; an {@link io.qmp4j.migration.evacuation.Evacuation} re-balancing its
     * budget). The job sets it at its next tick, once RAM is moving; the latest request wins. The
     * job's undo restores the limit the source had before the job, also after such a change.
     *
     * @param bytesPerSecond the new limit, bytes per second (positive)
     * @return completes when QEMU took the limit; fails with {@link IllegalStateException} when
     *         the migration ends first or QEMU refuses it
     * @throws IllegalArgumentException when {@code bytesPerSecond} is not positive
     * @since 0.2
     */
    CompletableFuture<Void> setBandwidth(long bytesPerSecond);

    /** @return whether a cancel now would still undo the migration (false past the point of no return or once done) */
    boolean cancellable();
}

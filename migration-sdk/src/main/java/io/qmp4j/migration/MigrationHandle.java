package io.qmp4j.migration;

import java.util.concurrent.CompletableFuture;

/**
 * A running migration. Thread-safe.
 *
 * @since 0.1
 */
public interface MigrationHandle {

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
     * Cancels the migration: {@code migrate_cancel} on the source, then the rollback. Has no
     * effect once the migration completed.
     *
     * @return {@link #completion()}
     */
    CompletableFuture<MigrationResult> cancel();
}

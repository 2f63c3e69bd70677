package io.qmp4j.migration.evacuation;

import io.qmp4j.migration.MigrationProgress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A running evacuation. Thread-safe.
 *
 * @since 0.2
 */
public interface EvacuationHandle {

    /** @return completes when every VM's migration has ended (or was never started); never fails for a VM's failure */
    CompletableFuture<EvacuationResult> completion();

    /**
     * Cancels the whole evacuation: nothing more is started, and every running migration is
     * cancelled and undone through its journal (one already past its point of no return finishes
     * instead, see {@link io.qmp4j.migration.MigrationHandle#cancel()}).
     *
     * @return {@link #completion()}
     */
    CompletableFuture<EvacuationResult> cancel();

    /** @return the latest progress of each VM started so far, by name */
    Map<String, MigrationProgress> progress();
}

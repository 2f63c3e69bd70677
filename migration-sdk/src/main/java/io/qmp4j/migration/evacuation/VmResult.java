package io.qmp4j.migration.evacuation;

import io.qmp4j.migration.MigrationResult;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What became of one VM of an evacuation.
 *
 * @param name the name it was added with
 * @param outcome how it ended
 * @param result the migration's result (also when it failed, was refused or cancelled); empty
 *               when it was never started
 * @param error why it did not complete, one line; empty when it completed
 * @param startedAs its place in the start order (0 first); -1 when never started
 * @param dirtyRate its guest's dirty rate as measured before the start, bytes per second; empty
 *                  when it could not be measured
 * @param ramBytes its guest's RAM; 0 when it could not be read
 * @since 0.2
 */
public record VmResult(String name, Outcome outcome, Optional<MigrationResult> result, Optional<String> error, int startedAs,
                       OptionalLong dirtyRate, long ramBytes) {

    /** Checks the values. */
    public VmResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(dirtyRate, "dirtyRate");
    }

    /** How a VM of an evacuation ended. */
    public enum Outcome {
        /** It runs on its destination. */
        COMPLETED,
        /** Its migration failed; its source runs. */
        FAILED,
        /** A pre-flight check refused it; nothing was changed. */
        REFUSED,
        /** Its migration was cancelled and undone (the evacuation was cancelled or stopped). */
        CANCELLED,
        /** It was never started (the evacuation was cancelled, or stopped after a failure). */
        NOT_STARTED
    }
}

package io.qmp4j.migration;

import java.util.Objects;

/**
 * A migration did not complete. {@link #result()} says how it ended, what was undone, and why.
 * A refused pre-flight check is a {@link PreflightException}.
 *
 * @since 0.1
 */
public class MigrationException extends RuntimeException {

    private final MigrationResult result;

    /**
     * @param message what happened
     * @param result the outcome
     * @param cause the underlying failure, or {@code null}
     */
    public MigrationException(String message, MigrationResult result, Throwable cause) {
        super(message, cause);
        this.result = Objects.requireNonNull(result, "result");
    }

    /** @return the outcome: status, what was rolled back, the error */
    public MigrationResult result() {
        return result;
    }
}

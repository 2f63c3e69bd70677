package io.qmp4j.migration;

import java.util.List;

/**
 * Pre-flight checks refused the migration before anything was changed. Each problem names what
 * is wrong and how to fix it.
 *
 * @since 0.1
 */
public final class PreflightException extends MigrationException {

    private final List<String> problems;

    /**
     * @param problems what is wrong, one sentence each
     * @param result the outcome ({@code REFUSED})
     */
    public PreflightException(List<String> problems, MigrationResult result) {
        super("migration refused by pre-flight checks: " + String.join("; ", problems), result, null);
        this.problems = List.copyOf(problems);
    }

    /** @return each problem found */
    public List<String> problems() {
        return problems;
    }
}

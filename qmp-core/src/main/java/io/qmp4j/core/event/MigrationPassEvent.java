package io.qmp4j.core.event;

/**
 * The {@code MIGRATION_PASS} event: a new pass over dirty RAM began (with the {@code events} capability). A view of a {@link QmpEvent}:
 * {@code event.as(MigrationPassEvent.class)}.
 *
 * @param pass the pass number, from 1
 * @since 0.1
 */
public record MigrationPassEvent(long pass) {

    /** The event's name. */
    public static final String NAME = "MIGRATION_PASS";
}

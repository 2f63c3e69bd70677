package io.qmp4j.core.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code MIGRATION} event: the migration changed state. A view of a {@link QmpEvent}:
 * {@code event.as(MigrationEvent.class)}.
 *
 * @param statusName the new state as sent
 * @since 0.1
 */
public record MigrationEvent(@JsonProperty("status") String statusName) {

    /** The event's name. */
    public static final String NAME = "MIGRATION";

    /** @return the new state */
    public io.qmp4j.core.command.MigrationStatus status() {
        return io.qmp4j.core.command.MigrationStatus.of(statusName);
    }
}

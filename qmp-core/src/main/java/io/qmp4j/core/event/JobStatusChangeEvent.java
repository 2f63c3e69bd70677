package io.qmp4j.core.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code JOB_STATUS_CHANGE} event: a job changed state. A view of a {@link QmpEvent}:
 * {@code event.as(JobStatusChangeEvent.class)}.
 *
 * @param id the job id
 * @param statusName the new state as sent
 * @since 0.1
 */
public record JobStatusChangeEvent(String id, @JsonProperty("status") String statusName) {

    /** The event's name. */
    public static final String NAME = "JOB_STATUS_CHANGE";

    /** @return the new state */
    public io.qmp4j.core.command.JobStatus status() {
        return io.qmp4j.core.command.JobStatus.of(statusName);
    }
}

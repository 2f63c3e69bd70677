package io.qmp4j.core.event;

/**
 * The {@code BLOCK_JOB_ERROR} event: a block job hit an I/O error. A view of a {@link QmpEvent}:
 * {@code event.as(BlockJobErrorEvent.class)}.
 *
 * @param device the job id
 * @param operation {@code read} or {@code write}
 * @param action what the job did: {@code ignore}, {@code report}, {@code stop}
 * @since 0.1
 */
public record BlockJobErrorEvent(String device, String operation, String action) {

    /** The event's name. */
    public static final String NAME = "BLOCK_JOB_ERROR";
}

package io.qmp4j.core.event;

/**
 * The {@code BLOCK_JOB_READY} event: a mirror is in sync: it can now be completed or cancelled. A view of a {@link QmpEvent}:
 * {@code event.as(BlockJobReadyEvent.class)}.
 *
 * @param type the job type
 * @param device the job id
 * @param len total work, bytes
 * @param offset work done, bytes
 * @param speed speed limit
 * @since 0.1
 */
public record BlockJobReadyEvent(String type, String device, long len, long offset, long speed) {

    /** The event's name. */
    public static final String NAME = "BLOCK_JOB_READY";
}

package io.qmp4j.core.event;

/**
 * The {@code BLOCK_JOB_CANCELLED} event: a block job was cancelled before it was ready. A view of a {@link QmpEvent}:
 * {@code event.as(BlockJobCancelledEvent.class)}.
 *
 * @param type the job type
 * @param device the job id
 * @param len total work, bytes
 * @param offset work done, bytes
 * @param speed speed limit
 * @since 0.1
 */
public record BlockJobCancelledEvent(String type, String device, long len, long offset, long speed) {

    /** The event's name. */
    public static final String NAME = "BLOCK_JOB_CANCELLED";
}

package io.qmp4j.core.event;

/**
 * The {@code BLOCK_JOB_COMPLETED} event: a block job ended (for a ready mirror also after {@code block-job-cancel}). A view of a {@link QmpEvent}:
 * {@code event.as(BlockJobCompletedEvent.class)}.
 *
 * @param type the job type
 * @param device the job id
 * @param len total work, bytes
 * @param offset work done, bytes
 * @param speed speed limit
 * @param error why it failed, or {@code null}
 * @since 0.1
 */
public record BlockJobCompletedEvent(String type, String device, long len, long offset, long speed, String error) {

    /** The event's name. */
    public static final String NAME = "BLOCK_JOB_COMPLETED";

    /** @return whether the job ended without error */
    public boolean succeeded() {
        return error == null;
    }
}

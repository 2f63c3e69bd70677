package io.qmp4j.core.event;

/**
 * The {@code RESET} event: the guest was reset. A view of a {@link QmpEvent}:
 * {@code event.as(ResetEvent.class)}.
 *
 * @param guest whether the guest asked for it
 * @param reason why, e.g. {@code host-qmp-system-reset}
 * @since 0.1
 */
public record ResetEvent(boolean guest, String reason) {

    /** The event's name. */
    public static final String NAME = "RESET";
}

package io.qmp4j.core.event;

/**
 * The {@code STOP} event: the guest's vCPUs stopped. A view of a {@link QmpEvent}:
 * {@code event.as(StopEvent.class)}.
 *
 * @since 0.1
 */
public record StopEvent() {

    /** The event's name. */
    public static final String NAME = "STOP";
}

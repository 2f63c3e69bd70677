package io.qmp4j.core.event;

/**
 * The {@code POWERDOWN} event: the guest was asked to power down. A view of a {@link QmpEvent}:
 * {@code event.as(PowerdownEvent.class)}.
 *
 * @since 0.1
 */
public record PowerdownEvent() {

    /** The event's name. */
    public static final String NAME = "POWERDOWN";
}

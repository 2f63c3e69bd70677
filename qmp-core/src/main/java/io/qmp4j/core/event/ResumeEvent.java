package io.qmp4j.core.event;

/**
 * The {@code RESUME} event: the guest's vCPUs resumed. A view of a {@link QmpEvent}:
 * {@code event.as(ResumeEvent.class)}.
 *
 * @since 0.1
 */
public record ResumeEvent() {

    /** The event's name. */
    public static final String NAME = "RESUME";
}

package io.qmp4j.core.event;

/**
 * The {@code SHUTDOWN} event: the guest shut down, or QEMU is quitting. A view of a {@link QmpEvent}:
 * {@code event.as(ShutdownEvent.class)}.
 *
 * @param guest whether the guest asked for it
 * @param reason why, e.g. {@code host-qmp-quit}, {@code guest-shutdown}
 * @since 0.1
 */
public record ShutdownEvent(boolean guest, String reason) {

    /** The event's name. */
    public static final String NAME = "SHUTDOWN";
}

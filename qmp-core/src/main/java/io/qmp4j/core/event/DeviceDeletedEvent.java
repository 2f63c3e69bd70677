package io.qmp4j.core.event;

/**
 * The {@code DEVICE_DELETED} event: a device was removed. A view of a {@link QmpEvent}:
 * {@code event.as(DeviceDeletedEvent.class)}.
 *
 * @param device the device id, or {@code null}
 * @param path its QOM path
 * @since 0.1
 */
public record DeviceDeletedEvent(String device, String path) {

    /** The event's name. */
    public static final String NAME = "DEVICE_DELETED";
}

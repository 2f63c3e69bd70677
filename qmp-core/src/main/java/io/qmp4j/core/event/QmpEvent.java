package io.qmp4j.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmp4j.core.QmpJson;
import java.time.Instant;
import java.util.Objects;

/**
 * An event as QEMU sent it. Every event arrives in this raw form, including ones this library
 * has no type for; typed records are views obtained with {@link #as(Class)}.
 *
 * @param name the event's name, e.g. {@code "STOP"}
 * @param data the event's {@code data} member; an empty object when the event has none
 * @param timestamp QEMU's timestamp of the event (host wall clock at emission)
 * @since 0.1
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {

    /**
     * @param name must not be {@code null}
     * @param data must not be {@code null}
     * @param timestamp must not be {@code null}
     */
    public QmpEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /**
     * Reads the event's data into a type. Unknown members are ignored.
     *
     * @param type a record or class matching the event's {@code data}
     * @param <T> the type
     * @return the data as {@code type}
     * @throws IllegalArgumentException when the data does not fit the type
     */
    public <T> T as(Class<T> type) {
        try {
            return QmpJson.read(data, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event " + name + " does not fit " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param eventName an event name
     * @return whether this event has that name
     */
    public boolean is(String eventName) {
        return name.equals(eventName);
    }
}

package io.qmp4j.core;

import java.util.Objects;

/**
 * The {@code class} of a QMP error reply. An open set: QEMU may send a class this library does
 * not know, and that is not a failure. Compare with {@link #equals(Object)} or
 * {@link #is(QmpErrorClass)}.
 *
 * @param name the class exactly as QEMU sent it, never {@code null}
 * @since 0.1
 */
public record QmpErrorClass(String name) {

    /** Almost every error QEMU reports. */
    public static final QmpErrorClass GENERIC_ERROR = new QmpErrorClass("GenericError");
    /** The requested command does not exist (or is not available in this state). */
    public static final QmpErrorClass COMMAND_NOT_FOUND = new QmpErrorClass("CommandNotFound");
    /** A device has no medium or is not active. */
    public static final QmpErrorClass DEVICE_NOT_ACTIVE = new QmpErrorClass("DeviceNotActive");
    /** The requested device was not found. */
    public static final QmpErrorClass DEVICE_NOT_FOUND = new QmpErrorClass("DeviceNotFound");
    /** The requested KVM capability is missing. */
    public static final QmpErrorClass KVM_MISSING_CAP = new QmpErrorClass("KVMMissingCap");

    /** @param name the class as QEMU sent it; must not be {@code null} */
    public QmpErrorClass {
        Objects.requireNonNull(name, "name");
    }

    /**
     * @param name the class as QEMU sent it
     * @return the error class
     */
    public static QmpErrorClass of(String name) {
        return new QmpErrorClass(name);
    }

    /**
     * @param other another class
     * @return whether both name the same class
     */
    public boolean is(QmpErrorClass other) {
        return equals(other);
    }

    @Override
    public String toString() {
        return name;
    }
}

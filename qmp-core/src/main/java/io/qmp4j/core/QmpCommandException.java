package io.qmp4j.core;

import java.util.Objects;

/**
 * QEMU answered a command with an error reply. The session stays usable.
 *
 * <p>Do not parse {@link #description()}: QEMU words it for humans and changes it between
 * releases. Decide on {@link #errorClass()} instead.
 *
 * @since 0.1
 */
public final class QmpCommandException extends QmpException {

    private final String command;
    private final String id;
    private final QmpErrorClass errorClass;
    private final String description;

    /**
     * @param command the name of the command that failed
     * @param id the id it was sent with, as JSON text
     * @param errorClass the error class QEMU sent
     * @param description QEMU's {@code desc}, for humans
     */
    public QmpCommandException(String command, String id, QmpErrorClass errorClass, String description) {
        super(command + " failed: " + errorClass + ": " + description, null);
        this.command = Objects.requireNonNull(command, "command");
        this.id = Objects.requireNonNull(id, "id");
        this.errorClass = Objects.requireNonNull(errorClass, "errorClass");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** @return the name of the command that failed */
    public String command() {
        return command;
    }

    /** @return the id the command was sent with, as JSON text */
    public String id() {
        return id;
    }

    /** @return the error class QEMU sent; an open value */
    public QmpErrorClass errorClass() {
        return errorClass;
    }

    /** @return QEMU's description of the error, for humans only */
    public String description() {
        return description;
    }
}

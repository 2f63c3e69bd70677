package io.qmp4j.core;

import java.util.Objects;

/**
 * A command was refused by the client, not sent, because a {@link CommandLock} holds it: for
 * instance {@code stop} or {@code device_del} while a migration runs through this client.
 *
 * @since 0.1
 */
public final class QmpRefusedException extends QmpException {

    private final String command;
    private final String reason;

    /**
     * @param command the refused command
     * @param reason why it is refused now
     */
    public QmpRefusedException(String command, String reason) {
        super("'" + command + "' refused: " + reason, null);
        this.command = Objects.requireNonNull(command, "command");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return the refused command */
    public String command() {
        return command;
    }

    /** @return why it was refused */
    public String reason() {
        return reason;
    }
}

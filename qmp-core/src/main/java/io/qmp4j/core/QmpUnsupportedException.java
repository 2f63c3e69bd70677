package io.qmp4j.core;

import java.util.List;
import java.util.Objects;

/**
 * A typed command was not sent because the connected QEMU's schema does not have it, one of its
 * arguments, or one of the values given (for instance {@code compress-method}, an openEuler
 * extension, on upstream QEMU; or the {@code compress} capability on QEMU 9.1+). The message
 * names each problem and what this QEMU supports instead. The session stays usable.
 *
 * @since 0.1
 */
public final class QmpUnsupportedException extends QmpException {

    private final String command;
    private final VersionInfo version;
    private final List<String> problems;

    /**
     * @param command the command that was refused
     * @param version the connected QEMU's version
     * @param problems what does not fit, one sentence each
     */
    public QmpUnsupportedException(String command, VersionInfo version, List<String> problems) {
        super(command + ": " + String.join("; ", problems).replace("by this QEMU", "by this QEMU (" + version.qemu() + ")"), null);
        this.command = Objects.requireNonNull(command, "command");
        this.version = version;
        this.problems = List.copyOf(problems);
    }

    /** @return the command that was refused */
    public String command() {
        return command;
    }

    /** @return the connected QEMU's version */
    public VersionInfo version() {
        return version;
    }

    /** @return each problem found */
    public List<String> problems() {
        return problems;
    }
}

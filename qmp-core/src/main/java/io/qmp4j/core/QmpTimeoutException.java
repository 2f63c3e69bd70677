package io.qmp4j.core;

import java.time.Duration;
import java.util.Objects;

/**
 * No answer arrived within the deadline. For a command this does not mean that QEMU did not run
 * it: QEMU still holds the command and may run it later; its late reply is dropped.
 *
 * @since 0.1
 */
public final class QmpTimeoutException extends QmpException {

    private final String operation;
    private final Duration timeout;

    /**
     * @param operation what timed out (a command's name, or a wait)
     * @param timeout the deadline that passed
     */
    public QmpTimeoutException(String operation, Duration timeout) {
        super(operation + " timed out after " + timeout.toMillis() + " ms", null);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.timeout = timeout;
    }

    /** @return what timed out (a command's name, or a wait) */
    public String operation() {
        return operation;
    }

    /** @return the deadline that passed */
    public Duration timeout() {
        return timeout;
    }
}

package io.qmp4j.core;

/**
 * The connection went away while the call was pending or before it was made: the peer closed
 * it, the QEMU process died, or the client was closed. The message names the cause; where there
 * was a failure underneath (an I/O error, a protocol error), it is the cause.
 *
 * @since 0.1
 */
public final class QmpDisconnectedException extends QmpException {

    /**
     * @param message what happened
     * @param cause the underlying failure, or {@code null} for an orderly close
     */
    public QmpDisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }
}

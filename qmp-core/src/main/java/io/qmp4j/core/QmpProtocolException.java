package io.qmp4j.core;

/**
 * The peer broke the QMP protocol: no valid greeting, a failed negotiation, input that is not
 * JSON, a frame over the size limit, or an error reply without an id (QEMU could not parse what
 * it got). The session is always ended when this is raised; every pending call fails with it.
 *
 * @since 0.1
 */
public non-sealed class QmpProtocolException extends QmpException {

    /**
     * @param message what was wrong, for humans
     * @param cause the underlying failure, or {@code null}
     */
    public QmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what was wrong, for humans */
    public QmpProtocolException(String message) {
        super(message, null);
    }
}

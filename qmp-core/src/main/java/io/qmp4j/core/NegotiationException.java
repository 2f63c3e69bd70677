package io.qmp4j.core;

/**
 * {@code qmp_capabilities} was refused by the server.
 *
 * @since 0.1
 */
public final class NegotiationException extends QmpProtocolException {

    /**
     * @param message what the server answered
     * @param cause the command error the server returned, or {@code null}
     */
    public NegotiationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.qmp4j.core;

import java.util.Objects;

/**
 * The connection to a QMP monitor could not be established: the socket could not be connected,
 * or no greeting or negotiation reply arrived before the connect deadline. Always carries the
 * cause.
 *
 * @since 0.1
 */
public final class QmpConnectException extends QmpException {

    private final QmpEndpoint endpoint;

    /**
     * @param endpoint the endpoint that could not be reached; must not be {@code null}
     * @param message what went wrong, for humans
     * @param cause the underlying failure; must not be {@code null}
     */
    public QmpConnectException(QmpEndpoint endpoint, String message, Throwable cause) {
        super(message, Objects.requireNonNull(cause, "cause"));
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** @return the endpoint that could not be reached */
    public QmpEndpoint endpoint() {
        return endpoint;
    }
}

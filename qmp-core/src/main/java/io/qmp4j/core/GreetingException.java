package io.qmp4j.core;

/**
 * The first message from the server was not a valid QMP greeting.
 *
 * @since 0.1
 */
public final class GreetingException extends QmpProtocolException {

    /**
     * @param message what was wrong with the greeting
     * @param cause the underlying failure, or {@code null}
     */
    public GreetingException(String message, Throwable cause) {
        super(message, cause);
    }
}

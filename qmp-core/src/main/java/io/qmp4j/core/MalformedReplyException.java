package io.qmp4j.core;

/**
 * Input from the server could not be understood: bytes that are not a JSON object, a frame
 * larger than the client's limit, or a reply whose content does not match the type the command
 * declares. The first two end the session; the last fails only the command concerned.
 *
 * @since 0.1
 */
public final class MalformedReplyException extends QmpProtocolException {

    /**
     * @param message what was wrong
     * @param cause the underlying parser failure, or {@code null}
     */
    public MalformedReplyException(String message, Throwable cause) {
        super(message, cause);
    }
}

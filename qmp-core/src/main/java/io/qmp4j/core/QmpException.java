package io.qmp4j.core;

/**
 * Root of every failure qmp4j reports. Unchecked, and sealed: a caller can tell every kind of
 * failure apart with {@code instanceof}.
 *
 * <ul>
 *   <li>{@link QmpConnectException}: the connection could not be set up (always has a cause);</li>
 *   <li>{@link QmpProtocolException}: the peer broke the protocol (greeting, negotiation,
 *       malformed or oversized input) and the session was ended;</li>
 *   <li>{@link QmpCommandException}: QEMU answered a command with an error;</li>
 *   <li>{@link QmpTimeoutException}: no answer within the deadline;</li>
 *   <li>{@link QmpDisconnectedException}: the connection went away while the call was pending;</li>
 *   <li>{@link QmpStateException}: the client was not in a state that allows the call;</li>
 *   <li>{@link QmpUnsupportedException}: the connected QEMU's schema lacks the command, an
 *       argument or a value, so the command was not sent;</li>
 *   <li>{@link QmpRefusedException}: a {@link CommandLock} holds the command (e.g. during a
 *       migration), so it was not sent.</li>
 * </ul>
 *
 * @since 0.1
 */
public abstract sealed class QmpException extends RuntimeException
        permits QmpConnectException, QmpProtocolException, QmpCommandException,
                QmpTimeoutException, QmpDisconnectedException, QmpStateException, QmpUnsupportedException,
                QmpRefusedException {

    QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.qmp4j.core;

/**
 * The life cycle of a {@link QmpClient}. It only moves forward:
 * {@code IDLE → CONNECTING → NEGOTIATING → RUNNING → CLOSING → CLOSED}; a failure in any state
 * moves it to {@code CLOSED}. A closed client is never reused: build a new one with
 * {@link QmpClient#newBuilder()}.
 *
 * @since 0.1
 */
public enum QmpState {
    /** Built, {@link QmpClient#connect()} not called yet. */
    IDLE,
    /** The socket is being connected, or the greeting is awaited. */
    CONNECTING,
    /** The greeting arrived; {@code qmp_capabilities} is in flight. */
    NEGOTIATING,
    /** Commands may be executed and events arrive. */
    RUNNING,
    /** {@link QmpClient#close()} was called; the connection is going down. */
    CLOSING,
    /** The connection is gone. Final. */
    CLOSED
}

package io.qmp4j.core;

import io.qmp4j.core.event.QmpEvent;
import java.time.Duration;

/**
 * What a client does, for a control plane's metrics and traces: its session's state changes,
 * each command's outcome with its latency, each event received and each event a subscription
 * dropped. Set one for all clients of a {@link QmpResources} ({@link QmpResources.Builder#listener})
 * or for one client ({@link QmpClient.Builder#listener}). The same facts are JFR events
 * ({@code io.qmp4j.Command}, {@code io.qmp4j.SessionState}, {@code io.qmp4j.QmpEvent},
 * {@code io.qmp4j.EventDropped}) whether or not a listener is set.
 *
 * <p>Methods run on the thread where the fact happens: events and drops on the thread that read
 * them (the I/O thread, or a thread blocked on a command's reply, which reads the socket itself),
 * command outcomes where the command's future completes, state changes on the I/O thread or
 * the caller's. Keep them short and non-blocking. An exception thrown by a method is logged and
 * otherwise ignored. Every method does nothing by default.
 *
 * @since 0.2
 */
public interface QmpListener {

    /** The listener that does nothing. */
    QmpListener NONE = new QmpListener() {
    };

    /**
     * @param endpoint the client's monitor
     * @param from the state before
     * @param to the state now
     */
    default void stateChanged(QmpEndpoint endpoint, QmpState from, QmpState to) {
    }

    /**
     * A command was handed to the client (each one is followed by {@link #commandCompleted}).
     *
     * @param endpoint the client's monitor
     * @param command the command's name
     */
    default void commandStarted(QmpEndpoint endpoint, String command) {
    }

    /**
     * A command was answered, failed or timed out.
     *
     * @param endpoint the client's monitor
     * @param command the command's name
     * @param latency from {@code execute} to the outcome, including time queued client-side
     * @param failure why it failed ({@link QmpCommandException}, {@link QmpTimeoutException}, …), or {@code null}
     */
    default void commandCompleted(QmpEndpoint endpoint, String command, Duration latency, Throwable failure) {
    }

    /**
     * @param endpoint the client's monitor
     * @param event an event QEMU sent
     */
    default void eventReceived(QmpEndpoint endpoint, QmpEvent event) {
    }

    /**
     * A subscription was full and lost an event (by its {@code OverflowPolicy}).
     *
     * @param endpoint the client's monitor
     * @param event the event lost
     */
    default void eventDropped(QmpEndpoint endpoint, QmpEvent event) {
    }
}

package io.qmp4j.core.event;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One consumer's view of a client's events: its own bounded queue, fed with the events that
 * match its names and filter from the moment it was opened. Independent of every other
 * subscription: no subscriber can take an event from another. Close it with
 * try-with-resources.
 *
 * <p>A subscription opened with a listener delivers events to it, in order, one at a time, on
 * the client's callback executor; {@link #next()} and {@link #poll()} are then not available.
 * Thread-safe.
 *
 * @since 0.1
 */
public interface EventSubscription extends AutoCloseable {

    /**
     * The next event: the oldest queued one, else the next to arrive. The future completes on the
     * callback executor (or at once when an event is queued). It fails with
     * {@link io.qmp4j.core.QmpDisconnectedException} when the session ends with nothing queued,
     * and with {@link java.util.concurrent.CancellationException} when the subscription is
     * closed.
     *
     * @return the next event
     * @throws IllegalStateException when the subscription has a listener
     */
    CompletableFuture<QmpEvent> next();

    /**
     * As {@link #next()}, failing with {@link io.qmp4j.core.QmpTimeoutException} when no event
     * comes within {@code timeout}.
     *
     * @param timeout how long to wait; must be positive
     * @return the next event
     */
    CompletableFuture<QmpEvent> next(Duration timeout);

    /**
     * @return the oldest queued event, removed from the queue, if there is one; never waits
     * @throws IllegalStateException when the subscription has a listener
     */
    Optional<QmpEvent> poll();

    /** @return how many matching events were dropped because the queue was full */
    long dropped();

    /** @return whether the subscription was closed, or its session ended */
    boolean isClosed();

    /** Stops the subscription. Queued events are discarded; pending {@link #next()} calls are cancelled. */
    @Override
    void close();
}

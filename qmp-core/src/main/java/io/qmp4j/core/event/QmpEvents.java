package io.qmp4j.core.event;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The events of one QMP session. Every event is offered to every open subscription whose names
 * and filter match; nothing is consumed on behalf of others. A bounded history keeps the most
 * recent events so that a late subscriber can look back.
 *
 * <p>Filters run on the thread that read the event: the client's I/O thread, or a thread blocked
 * on a command's reply, which reads the socket itself ({@link io.qmp4j.core.QmpClient}). Keep them
 * cheap and non-blocking. Thread-safe.
 *
 * @since 0.1
 */
public interface QmpEvents {

    /**
     * Opens a subscription with the default queue size and overflow policy.
     *
     * @param names the event names to receive; empty for all
     * @return the subscription, to be closed by the caller
     */
    default EventSubscription subscribe(Set<String> names) {
        return subscription().names(names).open();
    }

    /**
     * Opens a subscription that delivers to a listener, one event at a time, in order, on the
     * client's callback executor.
     *
     * @param names the event names to receive; empty for all
     * @param filter which of those events to receive
     * @param listener what to call with each event; an exception it throws is logged and ignored
     * @return the subscription, to be closed by the caller
     */
    default EventSubscription subscribe(Set<String> names, Predicate<? super QmpEvent> filter,
                                        Consumer<? super QmpEvent> listener) {
        return subscription().names(names).filter(filter).listener(listener).open();
    }

    /** @return a builder for a subscription with every option */
    SubscriptionBuilder subscription();

    /**
     * Waits for the first event, arriving from now on, that matches.
     *
     * @param names the event names to wait for; empty for any
     * @param filter which of those events match
     * @param timeout how long to wait
     * @return the event; fails with {@link io.qmp4j.core.QmpTimeoutException} after
     *         {@code timeout}, or {@link io.qmp4j.core.QmpDisconnectedException} when the
     *         session ends first
     */
    CompletableFuture<QmpEvent> await(Set<String> names, Predicate<? super QmpEvent> filter, Duration timeout);

    /** @return the most recent events, oldest first; a snapshot */
    List<QmpEvent> history();

    /**
     * Options of a subscription.
     *
     * @since 0.1
     */
    interface SubscriptionBuilder {
        /**
         * @param names the event names to receive; empty (the default) for all
         * @return this builder
         */
        SubscriptionBuilder names(Set<String> names);

        /**
         * @param filter which events to receive among those named; runs on the thread that read the event
         * @return this builder
         */
        SubscriptionBuilder filter(Predicate<? super QmpEvent> filter);

        /**
         * @param capacity how many undelivered events the queue holds; default 1024
         * @return this builder
         */
        SubscriptionBuilder capacity(int capacity);

        /**
         * @param policy what to drop when the queue is full; default {@link OverflowPolicy#DROP_OLDEST}
         * @return this builder
         */
        SubscriptionBuilder overflow(OverflowPolicy policy);

        /**
         * @param listener receives each event on the callback executor, in order; without one,
         *                 events are taken with {@link EventSubscription#next()}
         * @return this builder
         */
        SubscriptionBuilder listener(Consumer<? super QmpEvent> listener);

        /** @return the open subscription, receiving events from now on */
        EventSubscription open();
    }
}

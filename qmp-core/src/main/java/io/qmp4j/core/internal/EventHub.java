package io.qmp4j.core.internal;

import io.netty.util.Timer;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.core.event.QmpEvents;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Fans events out to subscriptions and keeps the history. {@link #publish} is called by one
 * thread at a time, the one that read the event (the I/O thread, or a caller reading its reply:
 * {@link ReadTurn}); everything else from any thread.
 */
public final class EventHub implements QmpEvents {

    static final int DEFAULT_CAPACITY = 1024;

    private final Executor executor;
    private final Timer timer;
    private final String logPrefix;
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ArrayDeque<QmpEvent> history;
    private final int historySize;
    private QmpException ended; // guarded by this

    private final Consumer<QmpEvent> onDrop;

    public EventHub(Executor executor, Timer timer, int historySize, String logPrefix) {
        this(executor, timer, historySize, logPrefix, e -> { });
    }

    /** @param observer told of every event a subscription drops */
    public EventHub(Executor executor, Timer timer, int historySize, String logPrefix, Observer observer) {
        this(executor, timer, historySize, logPrefix, observer::dropped);
    }

    private EventHub(Executor executor, Timer timer, int historySize, String logPrefix, Consumer<QmpEvent> onDrop) {
        this.onDrop = onDrop;
        this.executor = executor;
        this.timer = timer;
        this.historySize = historySize;
        this.history = new ArrayDeque<>(1); // grows to historySize as events come: 1 KiB less per quiet session
        this.logPrefix = logPrefix;
    }

    /** Offers an event to the history and every subscription: on one thread at a time, the one that read it ({@link ReadTurn}). */
    public void publish(QmpEvent event) {
        synchronized (this) {
            if (historySize > 0) {
                if (history.size() == historySize) {
                    history.removeFirst();
                }
                history.addLast(event);
            }
        }
        for (Subscription s : subscriptions) {
            s.offer(event);
        }
    }

    /** The session ended: every subscription drains what it has queued, then fails with {@code cause}. */
    public void end(QmpException cause) {
        synchronized (this) {
            if (ended != null) {
                return;
            }
            ended = cause;
        }
        for (Subscription s : subscriptions) {
            s.end(cause);
        }
    }

    @Override
    public SubscriptionBuilder subscription() {
        return new Builder();
    }

    @Override
    public CompletableFuture<QmpEvent> await(Set<String> names, Predicate<? super QmpEvent> filter, Duration timeout) {
        EventSubscription s = subscription().names(names).filter(filter).capacity(1).open();
        CompletableFuture<QmpEvent> f = s.next(timeout);
        f.whenComplete((e, t) -> s.close());
        return f;
    }

    @Override
    public synchronized List<QmpEvent> history() {
        return List.copyOf(history);
    }

    private final class Builder implements SubscriptionBuilder {
        private Set<String> names = Set.of();
        private Predicate<? super QmpEvent> filter = e -> true;
        private int capacity = DEFAULT_CAPACITY;
        private OverflowPolicy overflow = OverflowPolicy.DROP_OLDEST;
        private Consumer<? super QmpEvent> listener;

        @Override
        public SubscriptionBuilder names(Set<String> names) {
            this.names = Set.copyOf(Objects.requireNonNull(names, "names"));
            return this;
        }

        @Override
        public SubscriptionBuilder filter(Predicate<? super QmpEvent> filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        @Override
        public SubscriptionBuilder capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity " + capacity + " < 1");
            }
            this.capacity = capacity;
            return this;
        }

        @Override
        public SubscriptionBuilder overflow(OverflowPolicy policy) {
            this.overflow = Objects.requireNonNull(policy, "policy");
            return this;
        }

        @Override
        public SubscriptionBuilder listener(Consumer<? super QmpEvent> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        @Override
        public EventSubscription open() {
            Subscription s = new Subscription(names, filter, capacity, overflow, listener,
                    executor, timer, logPrefix, subscriptions::remove, onDrop);
            subscriptions.add(s);
            QmpException cause;
            synchronized (EventHub.this) {
                cause = ended;
            }
            if (cause != null) {
                s.end(cause);
            }
            return s;
        }
    }

}

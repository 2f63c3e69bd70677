package io.qmp4j.core.internal;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpTimeoutException;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.core.event.QmpEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's bounded queue ({@link EventQueue}), read by {@code next()} and {@code poll()}
 * or delivered to a listener ({@link ListenerDelivery}). {@link #offer} runs on the thread that read
 * the event (the I/O thread, or a caller reading its reply: {@link ReadTurn}) and never blocks.
 */
final class Subscription implements EventSubscription {

    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    private final Set<String> names;
    private final Predicate<? super QmpEvent> filter;
    private final Consumer<? super QmpEvent> listener;
    /** Push mode: the listener's deliveries; null in pull mode ({@link #next()}, {@link #poll()}). */
    private final ListenerDelivery delivery;
    private final Executor executor;
    private final Timer timer;
    private final String logPrefix;
    private final Consumer<Subscription> onClose;

    // guarded by this
    private final EventQueue queue;
    private final ArrayDeque<CompletableFuture<QmpEvent>> waiters = new ArrayDeque<>(1); // (1: 64 B less than 16 while empty)
    private final Consumer<QmpEvent> onDrop;
    private boolean closed;
    private QmpException ended;

    Subscription(Set<String> names, Predicate<? super QmpEvent> filter, int capacity, OverflowPolicy overflow,
                 Consumer<? super QmpEvent> listener, Executor executor, Timer timer, String logPrefix,
                 Consumer<Subscription> onClose, Consumer<QmpEvent> onDrop) {
        this.onDrop = onDrop;
        this.names = names;
        this.filter = filter;
        this.queue = new EventQueue(capacity, overflow);
        this.listener = listener;
        this.executor = executor;
        this.timer = timer;
        this.logPrefix = logPrefix;
        this.onClose = onClose;
        this.delivery = listener == null ? null : new ListenerDelivery(this, queue, listener, executor, logPrefix);
    }

    void offer(QmpEvent event) {
        if (!names.isEmpty() && !names.contains(event.name())) {
            return;
        }
        try {
            if (!filter.test(event)) {
                return;
            }
        } catch (RuntimeException e) {
            log.warn("{}event filter threw on {}; event not delivered to this subscription", logPrefix, event.name(), e);
            return;
        }
        CompletableFuture<QmpEvent> waiter = null;
        boolean drain = false;
        QmpEvent lost = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            waiter = liveWaiter();
            if (waiter == null) {
                lost = queue.addNewest(event);
                drain = delivery != null && delivery.needsStart();
            }
        }
        if (lost != null) {
            onDrop.accept(lost);
        }
        if (waiter != null) {
            handOver(waiter, event);
        } else if (drain) {
            delivery.start();
        }
    }

    /** The oldest waiter that has not given up, removed; null when there is none. Under the lock. */
    private CompletableFuture<QmpEvent> liveWaiter() {
        while (!waiters.isEmpty()) {
            CompletableFuture<QmpEvent> w = waiters.removeFirst();
            if (!w.isDone()) {
                return w;
            }
        }
        return null;
    }

    /**
     * Completes the waiter on the executor. It may give up in between (its deadline, a cancel):
     * then the event goes to the next waiter, or back to the head of the queue, never lost.
     */
    private void handOver(CompletableFuture<QmpEvent> waiter, QmpEvent event) {
        Callbacks.run(executor, () -> {
            if (!waiter.complete(event)) {
                keep(event);
            }
        });
    }

    private void keep(QmpEvent event) {
        CompletableFuture<QmpEvent> next;
        QmpEvent lost = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            next = liveWaiter();
            if (next == null) {
                lost = queue.putBackOldest(event); // older than anything queued
            }
        }
        if (lost != null) {
            onDrop.accept(lost);
        }
        if (next != null) {
            handOver(next, event);
        }
    }

    void end(QmpException cause) {
        ArrayDeque<CompletableFuture<QmpEvent>> failed;
        synchronized (this) {
            if (ended != null) {
                return;
            }
            ended = cause;
            failed = new ArrayDeque<>(waiters);
            waiters.clear();
        }
        for (CompletableFuture<QmpEvent> w : failed) {
            Callbacks.run(executor, () -> w.completeExceptionally(cause));
        }
    }

    @Override
    public CompletableFuture<QmpEvent> next() {
        requirePull();
        synchronized (this) {
            QmpEvent e = queue.poll();
            if (e != null) {
                return CompletableFuture.completedFuture(e);
            }
            if (closed) {
                return CompletableFuture.failedFuture(new CancellationException("subscription closed"));
            }
            if (ended != null) {
                return CompletableFuture.failedFuture(ended);
            }
            CompletableFuture<QmpEvent> w = new CompletableFuture<>();
            waiters.addLast(w);
            return w;
        }
    }

    @Override
    public CompletableFuture<QmpEvent> next(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " is not positive");
        }
        CompletableFuture<QmpEvent> f = next();
        if (f.isDone()) {
            return f;
        }
        Timeout t = timer.newTimeout(x -> {
            if (!f.isDone()) {
                Callbacks.run(executor, () -> f.completeExceptionally(
                        new QmpTimeoutException("waiting for an event" + (names.isEmpty() ? "" : " " + names), timeout)));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        f.whenComplete((e, x) -> t.cancel());
        return f;
    }

    @Override
    public Optional<QmpEvent> poll() {
        requirePull();
        synchronized (this) {
            return Optional.ofNullable(queue.poll());
        }
    }

    @Override
    public synchronized long dropped() {
        return queue.dropped();
    }

    @Override
    public synchronized boolean isClosed() {
        return closed || ended != null;
    }

    @Override
    public void close() {
        ArrayDeque<CompletableFuture<QmpEvent>> cancelled;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            cancelled = new ArrayDeque<>(waiters);
            waiters.clear();
        }
        onClose.accept(this);
        for (CompletableFuture<QmpEvent> w : cancelled) {
            w.cancel(false);
        }
    }

    private void requirePull() {
        if (listener != null) {
            throw new IllegalStateException("this subscription delivers to a listener; next() and poll() are not available");
        }
    }
}

package io.qmp4j.core.internal;

import io.qmp4j.core.event.QmpEvent;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener subscription's delivery: its queued events go to the listener on the callback
 * executor, one drain at a time, in order. The subscription's lock guards the queue and the
 * drain's flag; a closed subscription's queue is empty, which ends the drain.
 */
final class ListenerDelivery {

    private static final Logger log = LoggerFactory.getLogger(ListenerDelivery.class);
    /** Events one delivery task hands to a listener before it makes way for other callbacks. */
    static final int DRAIN_BATCH = 64;

    private final Object lock;
    private final EventQueue queue;
    private final Consumer<? super QmpEvent> listener;
    private final Executor executor;
    private final String logPrefix;
    private boolean draining; // guarded by lock

    ListenerDelivery(Object lock, EventQueue queue, Consumer<? super QmpEvent> listener, Executor executor, String logPrefix) {
        this.lock = lock;
        this.queue = queue;
        this.listener = listener;
        this.executor = executor;
        this.logPrefix = logPrefix;
    }

    /** Holding the lock, after an event was queued: whether a drain must start ({@link #start()}, outside the lock). */
    boolean needsStart() {
        if (draining) {
            return false;
        }
        draining = true;
        return true;
    }

    void start() {
        Callbacks.run(executor, this::drain);
    }

    /**
     * Delivers up to {@link #DRAIN_BATCH} events, then yields the callback thread by queueing
     * itself again: a session flooding events must not keep the threads that complete other
     * sessions' commands (they share one executor) from getting to them.
     */
    private void drain() {
        for (int i = 0; ; i++) {
            QmpEvent e;
            synchronized (lock) {
                if (queue.isEmpty()) {
                    draining = false;
                    return;
                }
                e = i < DRAIN_BATCH ? queue.poll() : null;
            }
            if (e == null) { // batch done, more queued: still draining, continue later
                try {
                    executor.execute(this::drain);
                    return;
                } catch (RejectedExecutionException shutDown) {
                    i = -1; // nobody else will deliver them: go on here
                    continue;
                }
            }
            try {
                listener.accept(e);
            } catch (RuntimeException ex) {
                log.warn("{}event listener threw on {}", logPrefix, e.name(), ex);
            }
        }
    }
}

package io.qmp4j.core.internal;

import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.core.event.QmpEvent;
import java.util.ArrayDeque;

/**
 * A subscription's queue of events: bounded, with its overflow policy and the count of the events
 * it lost. Not thread-safe: the subscription's lock guards it.
 */
final class EventQueue {

    private final ArrayDeque<QmpEvent> events = new ArrayDeque<>(1); // grows as events come (1: 64 B less than 16 while empty)
    private final int capacity;
    private final OverflowPolicy overflow;
    private long dropped;

    EventQueue(int capacity, OverflowPolicy overflow) {
        this.capacity = capacity;
        this.overflow = overflow;
    }

    /** @return the event lost to make room for the newest one, {@code e} itself, or null */
    QmpEvent addNewest(QmpEvent e) {
        QmpEvent lost = null;
        if (events.size() >= capacity) {
            dropped++;
            lost = overflow == OverflowPolicy.DROP_NEWEST ? e : events.removeFirst();
        }
        if (lost != e) {
            events.addLast(e);
        }
        return lost;
    }

    /** Puts back an event older than anything queued: it goes first, and is the one dropped when full under DROP_OLDEST. */
    QmpEvent putBackOldest(QmpEvent e) {
        QmpEvent lost = null;
        if (events.size() >= capacity) {
            dropped++;
            lost = overflow == OverflowPolicy.DROP_OLDEST ? e : events.removeLast();
        }
        if (lost != e) {
            events.addFirst(e);
        }
        return lost;
    }

    QmpEvent poll() {
        return events.pollFirst();
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    void clear() {
        events.clear();
    }

    long dropped() {
        return dropped;
    }
}

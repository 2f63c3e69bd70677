package io.qmp4j.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * How many in-band commands may be on the wire at once (with out-of-band execution on, QEMU
 * stops reading a monitor whose queue is full, and an out-of-band command behind it would wait),
 * how many are, and the commands queued for a slot, in order. Out-of-band commands pass it.
 * Not thread-safe: the correlator's lock guards it.
 */
final class InBandWindow {

    private final ArrayDeque<Pending> queued = new ArrayDeque<>(1); // (1: 64 B less than 16 while empty)
    private int size;
    private int onWire;

    /** The session runs: at most {@code size} in-band commands on the wire from now on (0 until then). */
    void open(int size) {
        this.size = size;
    }

    /** @return whether {@code p} may go on the wire now: out-of-band, or a free slot with nobody queued before it */
    boolean admits(Pending p) {
        return p.oob || onWire < size && queued.isEmpty();
    }

    void queue(Pending p) {
        queued.addLast(p);
    }

    /** A command given up while queued (its deadline passed). */
    void dequeue(Pending p) {
        queued.remove(p);
    }

    void sent(Pending p) {
        if (!p.oob) {
            onWire++;
        }
    }

    /** Its reply came, or its write failed: the slot is free. */
    void done(Pending p) {
        if (!p.oob) {
            onWire--;
        }
    }

    /**
     * Once half the window is free, the queued commands that fit, in order: QEMU, which runs them
     * one at a time, still has half a window queued, and it and this client pay one wake-up and
     * one write for several commands instead of one each.
     *
     * @param send gives a command its id and counts it {@link #sent}; false for one given up already
     * @return the commands to write, in order (empty most of the time)
     */
    List<Pending> refill(Predicate<Pending> send) {
        if (queued.isEmpty() || onWire > size / 2) {
            return List.of();
        }
        List<Pending> burst = new ArrayList<>(size);
        while (onWire < size && !queued.isEmpty()) {
            Pending p = queued.removeFirst();
            if (send.test(p)) {
                burst.add(p);
            }
        }
        return burst;
    }

    /** The session ended: the queued commands, removed. */
    List<Pending> drain() {
        List<Pending> all = new ArrayList<>(queued);
        queued.clear();
        return all;
    }
}

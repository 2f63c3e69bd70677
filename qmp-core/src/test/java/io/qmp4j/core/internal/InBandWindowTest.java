package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpCommand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InBandWindowTest {

    private final InBandWindow window = new InBandWindow();

    private static Pending command(boolean oob) {
        return Pending.of(new QmpCommand.Raw("c", null, oob), new byte[0], oob, null, null);
    }

    /** Sends what it admits, queues the rest, as the correlator does. */
    private List<Pending> submit(int n) {
        List<Pending> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Pending p = command(false);
            if (window.admits(p)) {
                window.sent(p);
            } else {
                window.queue(p);
            }
            all.add(p);
        }
        return all;
    }

    @Test
    void nothingIsAdmittedBeforeTheSessionRunsButOutOfBand() {
        assertFalse(window.admits(command(false)));
        assertTrue(window.admits(command(true)));
    }

    @Test
    void aFullWindowRefillsOnceHalfOfItIsFreeInOrder() {
        window.open(8);
        List<Pending> all = submit(20);
        assertTrue(window.admits(command(true)), "out-of-band commands pass a full window");
        List<Pending> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            window.done(all.get(i));
            assertEquals(List.of(), window.refill(p -> { window.sent(p); return true; }));
        }
        window.done(all.get(3));
        sent.addAll(window.refill(p -> { window.sent(p); return true; }));
        assertEquals(all.subList(8, 12), sent, "four queued commands, oldest first");
        assertFalse(window.admits(command(false)), "a new command does not overtake the queue");
    }

    @Test
    void aCommandGivenUpWhileQueuedDoesNotTakeASlot() {
        window.open(2);
        List<Pending> all = submit(4);
        window.done(all.get(0));
        List<Pending> burst = window.refill(p -> {
            if (p == all.get(2)) {
                return false; // timed out while queued
            }
            window.sent(p);
            return true;
        });
        assertEquals(List.of(all.get(3)), burst);
        assertEquals(List.of(), window.drain());
    }
}

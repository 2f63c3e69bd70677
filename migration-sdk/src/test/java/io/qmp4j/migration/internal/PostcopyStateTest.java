package io.qmp4j.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.migration.Postcopy;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class PostcopyStateTest {

    private static final long MIB = 1 << 20;

    @Test
    void afterOnePassSwitchesWhenTheSecondSyncIsSeen() {
        PostcopyState p = new PostcopyState(Postcopy.afterPasses(1));
        assertFalse(p.due(0, 0), "setup");
        assertFalse(p.due(1, 500 * MIB), "the first pass runs");
        assertTrue(p.due(2, 100 * MIB), "the first pass is done");
        p.sent();
        assertFalse(p.due(3, 100 * MIB), "sent once");
    }

    @Test
    void afterThreePasses() {
        PostcopyState p = new PostcopyState(Postcopy.afterPasses(3));
        assertFalse(p.due(3, MIB));
        assertTrue(p.due(4, MIB));
    }

    @Test
    void notConvergingMeansAPassLeftAsMuchAsTheOneBefore() {
        PostcopyState shrinking = new PostcopyState(Postcopy.whenNotConverging());
        assertFalse(shrinking.due(1, 512 * MIB));
        assertFalse(shrinking.due(2, 200 * MIB));
        assertFalse(shrinking.due(2, 150 * MIB), "one look per pass");
        assertFalse(shrinking.due(3, 100 * MIB), "half of the pass before: converging");
        assertFalse(shrinking.due(4, 50 * MIB));

        PostcopyState hot = new PostcopyState(Postcopy.whenNotConverging());
        assertFalse(hot.due(1, 512 * MIB));
        assertFalse(hot.due(2, 128 * MIB));
        assertTrue(hot.due(3, 120 * MIB), "94 % of the pass before: not converging");
    }

    @Test
    void onDemandOnlyWhenAsked() {
        PostcopyState p = new PostcopyState(Postcopy.onDemand());
        assertFalse(p.due(5, MIB));
        p.request();
        assertTrue(p.due(5, MIB));
    }

    @Test
    void theTimeoutActionAloneHasNoPolicy() {
        PostcopyState p = new PostcopyState(null);
        assertFalse(p.due(9, MIB));
    }

    @Test
    void aWaitForTheSwitchEndsEitherWay() throws Exception {
        PostcopyState p = new PostcopyState(Postcopy.onDemand());
        p.switched();
        assertTrue(p.hasSwitched());
        p.switchedFuture().get();
        PostcopyState never = new PostcopyState(Postcopy.onDemand());
        never.ended();
        assertThrows(ExecutionException.class, () -> never.switchedFuture().get());
    }

    @Test
    void recoveriesAndPausedTimeAddUp() {
        PostcopyState p = new PostcopyState(Postcopy.onDemand());
        p.recovered(Duration.ofSeconds(5), true);
        p.recovered(Duration.ofSeconds(2), false);
        assertEquals(1, p.recoveries());
        assertEquals(Duration.ofSeconds(7), p.pausedTime());
    }

    @Test
    void badValuesAreRefusedWithTheirReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Postcopy.afterPasses(0)).getMessage().contains("at least one"));
        assertThrows(IllegalArgumentException.class, () -> Postcopy.onDemand().withBandwidth(-1));
        assertThrows(IllegalArgumentException.class, () -> Postcopy.onDemand().withRetryInterval(Duration.ZERO));
    }
}

package io.qmp4j.migration.evacuation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.migration.evacuation.BandwidthBudget.Demand;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BandwidthBudgetTest {

    private static final long MIB = 1L << 20;
    private static final long NONE = Long.MAX_VALUE;

    @Test
    void withoutMeasurementsTheBudgetIsSharedEqually() {
        assertEquals(List.of(100 * MIB, 100 * MIB, 100 * MIB),
                BandwidthBudget.shares(300 * MIB, List.of(new Demand(0, NONE), new Demand(0, NONE), new Demand(0, NONE))));
    }

    @Test
    void eachFirstGetsWhatItNeedsThenTheRestIsSharedEqually() {
        // needs 1.5 x 40 = 60 and 1.5 x 0 = 0: 60 + 20, 0 + 20
        List<Long> s = BandwidthBudget.shares(100 * MIB, List.of(new Demand(40 * MIB, NONE), new Demand(0, NONE)));
        assertEquals(List.of(80 * MIB, 20 * MIB), s);
    }

    @Test
    void needsBeyondTheBudgetAreServedInProportion() {
        List<Long> s = BandwidthBudget.shares(90 * MIB, List.of(new Demand(60 * MIB, NONE), new Demand(30 * MIB, NONE)));
        assertEquals(List.of(60 * MIB, 30 * MIB), s);
    }

    @Test
    void whatACappedMigrationCannotTakeGoesToTheOthers() {
        List<Long> s = BandwidthBudget.shares(300 * MIB, List.of(new Demand(0, 50 * MIB), new Demand(0, NONE), new Demand(0, NONE)));
        assertEquals(List.of(50 * MIB, 125 * MIB, 125 * MIB), s);
        assertTrue(s.stream().mapToLong(Long::longValue).sum() <= 300 * MIB);
    }

    @Test
    void noShareIsBelowTheFloor() {
        List<Long> s = BandwidthBudget.shares(MIB, List.of(new Demand(100 * MIB, NONE), new Demand(1, NONE)));
        assertTrue(s.stream().allMatch(x -> x >= BandwidthBudget.FLOOR), s.toString());
        // 64 MiB/s for a hot guest (needs 144) and a cold one (needs 1.5): the cold one's floor comes out of the hot one's share.
        List<Long> t = BandwidthBudget.shares(64 * MIB, List.of(new Demand(96 * MIB, NONE), new Demand(MIB, NONE)));
        assertEquals(64 * MIB, t.stream().mapToLong(Long::longValue).sum(), t.toString());
        assertTrue(t.get(1) >= BandwidthBudget.FLOOR, t.toString());
    }

    @Test
    void theEasiestFirstMeasuredBeforeUnmeasuredThenByRam() {
        List<EvacuationOrder.Candidate> c = List.of(
                new EvacuationOrder.Candidate(0, OptionalLong.of(64 * MIB), 512 * MIB),
                new EvacuationOrder.Candidate(1, OptionalLong.empty(), 128 * MIB),
                new EvacuationOrder.Candidate(2, OptionalLong.of(MIB), 1024 * MIB),
                new EvacuationOrder.Candidate(3, OptionalLong.of(MIB), 256 * MIB));
        assertEquals(List.of(3, 2, 0, 1), EvacuationOrder.EASIEST_FIRST.sort(c).stream().map(EvacuationOrder.Candidate::index).toList());
        assertEquals(List.of(0, 1, 2, 3), EvacuationOrder.AS_GIVEN.sort(c).stream().map(EvacuationOrder.Candidate::index).toList());
    }
}

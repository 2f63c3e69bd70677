package io.qmp4j.migration.evacuation;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The order in which an evacuation starts its migrations.
 *
 * @since 0.2
 */
public enum EvacuationOrder {
    /**
     * The guests that dirty the least first (then the smallest RAM; guests whose rate could not be
     * measured last): they converge at any share of the link and finish soon, so the slots and the
     * budget pass quickly to the next; the hottest guests go last, when fewer migrations share the
     * budget and each gets more of it (and, among the running ones, a share in proportion to its
     * dirty rate). The default.
     */
    EASIEST_FIRST,
    /** As given. */
    AS_GIVEN;

    /** What the order is decided from: a VM's position, measured dirty rate (bytes/s) and RAM (bytes). */
    record Candidate(int index, OptionalLong dirtyRate, long ramBytes) {
    }

    /** @return the candidates in the order to start them */
    List<Candidate> sort(List<Candidate> candidates) {
        if (this == AS_GIVEN) {
            return List.copyOf(candidates);
        }
        return candidates.stream().sorted(Comparator
                .comparing((Candidate c) -> c.dirtyRate().isEmpty())
                .thenComparingLong(c -> c.dirtyRate().orElse(0))
                .thenComparingLong(Candidate::ramBytes)
                .thenComparingInt(Candidate::index)).toList();
    }
}

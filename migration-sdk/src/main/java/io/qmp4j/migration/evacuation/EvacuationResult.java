package io.qmp4j.migration.evacuation;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The end of an evacuation: one result per VM, in the order they were added, and the time it took.
 *
 * @param results each VM's result, in the order added
 * @param totalTime from the start (the measurements included) to the last migration's end
 * @param maxRunning the most migrations that ran at once
 * @since 0.2
 */
public record EvacuationResult(List<VmResult> results, Duration totalTime, int maxRunning) {

    /** Copies the list. */
    public EvacuationResult {
        results = List.copyOf(results);
        Objects.requireNonNull(totalTime, "totalTime");
    }

    /** @return how many ended so */
    public long count(VmResult.Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** @return whether every VM runs on its destination */
    public boolean allCompleted() {
        return count(VmResult.Outcome.COMPLETED) == results.size();
    }
}

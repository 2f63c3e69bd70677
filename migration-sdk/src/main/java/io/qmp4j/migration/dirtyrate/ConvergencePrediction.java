package io.qmp4j.migration.dirtyrate;

import java.time.Duration;
import java.util.List;

/**
 * What the pre-copy model predicts for a migration, and which settings it recommends.
 *
 * <p>The model: the first pass sends all RAM at the bandwidth; each later pass sends what the
 * guest dirtied during the previous one (at most its working set); QEMU switches over once
 * what is left can be sent within the downtime limit. It converges when the guest dirties
 * slower than the bandwidth.
 *
 * @param converges whether pre-copy converges with these settings
 * @param passes predicted passes (when it converges)
 * @param totalTime predicted total time (when it converges)
 * @param expectedDowntime predicted pause at switchover
 * @param recommendedBandwidth a bandwidth, bytes/s, at which it converges comfortably (1.5× the dirty rate, at least the given one)
 * @param autoConverge whether to turn on auto-converge
 * @param requiredThrottlePercent the vCPU throttle that would make it converge at the given bandwidth (0 when not needed)
 * @param postcopy whether only post-copy (or suspending) can finish it: a throttle above 99 % would be needed
 * @param advice the reasoning, in sentences
 * @param autoConvergeTime when auto-converge is what it needs: about how long it takes with
 *                         QEMU's default throttle (20 %, then 10 % more per pass while the
 *                         pass does not shrink), to compare with post-copy's one pass
 * @since 0.1
 */
public record ConvergencePrediction(boolean converges, int passes, Duration totalTime, Duration expectedDowntime,
                                    long recommendedBandwidth, boolean autoConverge, int requiredThrottlePercent,
                                    boolean postcopy, List<String> advice, java.util.Optional<Duration> autoConvergeTime) {

    /** Copies the list. */
    public ConvergencePrediction {
        advice = List.copyOf(advice);
    }
}

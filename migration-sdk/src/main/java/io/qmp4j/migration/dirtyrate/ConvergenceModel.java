package io.qmp4j.migration.dirtyrate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Predicts pre-copy convergence from a dirty rate (see {@link ConvergencePrediction}).
 *
 * @since 0.1
 */
public final class ConvergenceModel {

    private static final int MAX_PASSES = 30;

    private ConvergenceModel() {
    }

    /**
     * @param dirtyRate the measured dirty rate
     * @param ramBytes the guest's RAM
     * @param workingSetBytes how much memory the guest dirties at most between passes (its
     *                        working set; the RAM size when unknown)
     * @param bandwidth the migration bandwidth, bytes/s
     * @param downtimeLimit the downtime limit
     * @return the prediction
     */
    public static ConvergencePrediction predict(DirtyRate dirtyRate, long ramBytes, long workingSetBytes, long bandwidth,
                                                Duration downtimeLimit) {
        Objects.requireNonNull(dirtyRate, "dirtyRate");
        if (ramBytes <= 0 || bandwidth <= 0 || workingSetBytes <= 0) {
            throw new IllegalArgumentException("RAM, working set and bandwidth must be positive");
        }
        double d = dirtyRate.bytesPerSecond();
        double b = bandwidth;
        double limit = downtimeLimit.toNanos() / 1e9;
        double ws = Math.min(workingSetBytes, ramBytes);
        List<String> advice = new ArrayList<>();

        // Pass 1 sends all RAM; then each pass sends what was dirtied during the last.
        double toSend = ramBytes;
        double total = 0;
        int passes = 0;
        boolean converges = false;
        while (passes < MAX_PASSES) {
            double t = toSend / b;
            passes++;
            double dirtied = Math.min(ws, d * t);
            total += t;
            if (dirtied / b <= limit) {
                toSend = dirtied;
                converges = true;
                break;
            }
            if (passes > 1 && dirtied >= toSend) {
                toSend = dirtied;
                break; // not shrinking: pre-copy alone never gets there
            }
            toSend = dirtied;
        }
        double downtime = toSend / b;
        long recommended = Math.max(bandwidth, (long) Math.ceil(d * 1.5));
        int throttle = 0;
        boolean postcopy = false;
        boolean autoConverge = false;
        double acTime = -1;
        if (converges) {
            advice.add(String.format("converges in %d pass(es), about %.1f s, with about %.0f ms downtime", passes,
                    total + downtime, downtime * 1000));
        } else {
            // What would make the remaining pass fit: throttle the guest so that it dirties at most limit*b per pass time.
            double needed = 1.0 - (b / d) * 0.8;
            throttle = (int) Math.ceil(Math.max(0, Math.min(1, needed)) * 100);
            autoConverge = throttle <= 99;
            postcopy = throttle > 99;
            advice.add(String.format("does not converge: the guest dirties %.0f MiB/s, the migration sends %.0f MiB/s",
                    d / 1048576, b / 1048576));
            advice.add(String.format("raise the bandwidth to at least %.0f MiB/s (multifd channels help when one channel is"
                    + " CPU-bound)", recommended / 1048576.0));
            if (autoConverge) {
                acTime = autoConvergeSeconds(ramBytes, ws, b, throttle);
                advice.add(String.format("or turn on auto-converge: about %d %% vCPU throttle is needed, reached after about"
                        + " %.0f s at QEMU's default throttle steps", throttle, acTime));
            } else {
                advice.add("or use post-copy, or suspend the VM at a timeout: throttling alone cannot make it converge");
            }
        }
        return new ConvergencePrediction(converges, passes, Duration.ofNanos((long) ((total + downtime) * 1e9)),
                Duration.ofNanos((long) (downtime * 1e9)), recommended, autoConverge, throttle, postcopy, advice,
                acTime < 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos((long) (acTime * 1e9))));
    }

    /**
     * The first pass sends all RAM; QEMU then throttles 20 %, and 10 % more after each pass that
     * did not shrink, each pass sending about the working set, until the throttle is reached.
     */
    static double autoConvergeSeconds(double ramBytes, double workingSet, double bandwidth, int throttle) {
        int steps = Math.max(0, (int) Math.ceil((throttle - 20) / 10.0));
        return ramBytes / bandwidth + (steps + 1) * workingSet / bandwidth;
    }
}

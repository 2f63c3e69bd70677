package io.qmp4j.migration.internal;

import java.time.Duration;

/** Takes a transfer for stalled when the amount it moved stays the same for the whole timeout. */
final class StallDetector {

    private final long timeoutNanos;
    private long last = -1;
    private long since;

    StallDetector(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.since = System.nanoTime();
    }

    /**
     * @param moved the total moved so far
     * @param counting false where no progress is expected (a paused phase): the clock restarts
     * @return whether nothing moved for the timeout
     */
    boolean stalled(long moved, boolean counting) {
        long now = System.nanoTime();
        if (moved != last || !counting) {
            last = moved;
            since = now;
            return false;
        }
        return now - since > timeoutNanos;
    }

    long seconds() {
        return Duration.ofNanos(timeoutNanos).toSeconds();
    }
}

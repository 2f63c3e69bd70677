package io.qmp4j.migration.internal;

import io.qmp4j.migration.Postcopy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Post-copy in one job: when to switch (the plan's policy, or a request), whether it switched,
 * and how often and how long a broken link held it. The policy is a pure function of what the
 * source reports, so that it is tested without QEMU.
 */
final class PostcopyState {

    /** A pass that leaves at least this share of the one before counts as not converging. */
    static final double NOT_CONVERGING = 0.9;

    private final Postcopy policy;
    private long startNanos = System.nanoTime();
    private volatile boolean requested;
    private boolean sent;
    private long switchedNanos;
    private long lastPasses;
    private long remainingAtLastPass = -1;
    private int recoveries;
    private long pausedNanos;
    private final CompletableFuture<Void> switchedFuture = new CompletableFuture<>();

    /** @param policy the plan's post-copy mode, or {@code null} when post-copy is only a timeout action */
    PostcopyState(Postcopy policy) {
        this.policy = policy;
    }

    /** The source accepted {@code migrate}: pre-copy time counts from here. */
    void migrationStarted() {
        startNanos = System.nanoTime();
    }

    /** Asks for the switch at the next tick (the handle's {@code startPostcopy}). */
    void request() {
        requested = true;
    }

    /**
     * @param passes the source's {@code dirty-sync-count}: one more than the full passes done
     * @param remaining bytes left to send now
     * @return whether {@code migrate-start-postcopy} is due now
     */
    boolean due(long passes, long remaining) {
        if (sent) {
            return false;
        }
        boolean due = requested;
        if (policy != null && policy.when() == Postcopy.When.AFTER_PASSES) {
            due |= passes > policy.afterPasses();
        }
        if (policy != null && policy.when() == Postcopy.When.WHEN_NOT_CONVERGING && passes != lastPasses) {
            // The first sample at a new pass: what that pass has to send, against the last one's.
            due |= passes >= 3 && remainingAtLastPass >= 0 && remaining >= remainingAtLastPass * NOT_CONVERGING;
            if (passes >= 2) {
                remainingAtLastPass = remaining;
            }
            lastPasses = passes;
        }
        return due;
    }

    /** {@code migrate-start-postcopy} was accepted. */
    void sent() {
        sent = true;
    }

    /** The source reported {@code postcopy-active} for the first time. */
    void switched() {
        if (switchedNanos == 0) {
            switchedNanos = System.nanoTime();
            sent = true;
            switchedFuture.complete(null);
        }
    }

    /** @return completes at the switch */
    CompletableFuture<Void> switchedFuture() {
        return switchedFuture;
    }

    /** The job ended: a wait for a switch that did not happen fails. */
    void ended() {
        switchedFuture.completeExceptionally(new IllegalStateException("the migration ended before it switched to post-copy"));
    }

    boolean hasSwitched() {
        return switchedNanos != 0;
    }

    /** A recovery ended, successfully or not, after the migration stood paused for {@code paused}. */
    void recovered(Duration paused, boolean success) {
        pausedNanos += paused.toNanos();
        if (success) {
            recoveries++;
        }
    }

    Duration precopyTime() {
        return Duration.ofNanos(Math.max(0, switchedNanos - startNanos));
    }

    int recoveries() {
        return recoveries;
    }

    Duration pausedTime() {
        return Duration.ofNanos(pausedNanos);
    }

    Postcopy policy() {
        return policy;
    }
}

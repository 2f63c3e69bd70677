package io.qmp4j.migration;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Post-copy as a mode of the migration (virsh {@code --postcopy}): the {@code postcopy-ram}
 * capability on both QEMUs, and a policy for when to switch from pre-copy. After the switch the
 * VM runs on the destination at once and pulls the pages it still lacks from the source, so a
 * VM that dirties memory faster than the link carries finishes in about the time of one pass.
 *
 * <p>Past the switch the migration cannot be cancelled: the VM's memory is split between the
 * hosts. When the link breaks, both QEMUs are put in {@code postcopy-paused} and the job waits up
 * to {@link #linkWait()} for it, trying {@code migrate-recover} (destination) and
 * {@code migrate resume=true} (source) every {@link #retryInterval()}, after every further break
 * too. If the link does not come back in time the job fails with
 * {@link FailureKind#POSTCOPY_PAUSED}, leaving both QEMUs paused and everything of the job in
 * place, for {@link AttachedJob#resumePostcopy} (CLI: {@code qmp4j migrate --postcopy-resume}).
 *
 * <p>What QEMU refuses together with post-copy (multifd before QEMU 10.1, legacy compression) is
 * refused when the plan is built.
 *
 * @param when when to switch
 * @param afterPasses with {@link When#AFTER_PASSES}: how many full pre-copy passes come first (at least 1)
 * @param bandwidth the post-copy bandwidth limit ({@code max-postcopy-bandwidth}), bytes per
 *                  second, 0 for unlimited; empty keeps the source's own. ({@code max-bandwidth}
 *                  does not apply in post-copy.)
 * @param linkWait how long to wait for a broken link before giving up (the VM stays paused)
 * @param retryInterval how long between two attempts to resume over the link
 * @since 0.2
 */
public record Postcopy(When when, int afterPasses, Optional<Long> bandwidth, Duration linkWait, Duration retryInterval) {

    /** When a migration switches to post-copy. */
    public enum When {
        /** Only when asked: {@link MigrationHandle#startPostcopy()} or {@code qmp4j migrate-postcopy}. */
        ON_DEMAND,
        /** After a number of full pre-copy passes (virsh {@code --postcopy-after-precopy}: one). */
        AFTER_PASSES,
        /** When a pass leaves no less to send than the one before: pre-copy is not converging. */
        WHEN_NOT_CONVERGING
    }

    /** The default wait for a broken link. */
    public static final Duration DEFAULT_LINK_WAIT = Duration.ofMinutes(2);

    /** Checks the values. */
    public Postcopy {
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(bandwidth, "bandwidth");
        Objects.requireNonNull(linkWait, "linkWait");
        Objects.requireNonNull(retryInterval, "retryInterval");
        if (afterPasses < 1) {
            throw new IllegalArgumentException("post-copy after " + afterPasses + " passes: at least one pre-copy pass comes first");
        }
        if (bandwidth.isPresent() && bandwidth.get() < 0) {
            throw new IllegalArgumentException("post-copy bandwidth " + bandwidth.get() + " B/s is negative (0 is unlimited)");
        }
        if (linkWait.isNegative() || retryInterval.isNegative() || retryInterval.isZero()) {
            throw new IllegalArgumentException("post-copy link wait " + linkWait + " and retry interval " + retryInterval
                    + " must be positive");
        }
    }

    /** @return post-copy enabled, switched only on demand (virsh {@code --postcopy}) */
    public static Postcopy onDemand() {
        return new Postcopy(When.ON_DEMAND, 1, Optional.empty(), DEFAULT_LINK_WAIT, Duration.ofSeconds(1));
    }

    /**
     * @param passes full pre-copy passes before the switch, at least 1
     * @return post-copy after that many passes (virsh {@code --postcopy-after-precopy} is {@code afterPasses(1)})
     */
    public static Postcopy afterPasses(int passes) {
        return new Postcopy(When.AFTER_PASSES, passes, Optional.empty(), DEFAULT_LINK_WAIT, Duration.ofSeconds(1));
    }

    /** @return post-copy as soon as a pass leaves no less to send than the one before */
    public static Postcopy whenNotConverging() {
        return new Postcopy(When.WHEN_NOT_CONVERGING, 1, Optional.empty(), DEFAULT_LINK_WAIT, Duration.ofSeconds(1));
    }

    /**
     * @param bytesPerSecond the post-copy bandwidth limit, 0 for unlimited (virsh {@code --postcopy-bandwidth})
     * @return a copy with it
     */
    public Postcopy withBandwidth(long bytesPerSecond) {
        return new Postcopy(when, afterPasses, Optional.of(bytesPerSecond), linkWait, retryInterval);
    }

    /**
     * @param wait how long to wait for a broken link
     * @return a copy with it
     */
    public Postcopy withLinkWait(Duration wait) {
        return new Postcopy(when, afterPasses, bandwidth, wait, retryInterval);
    }

    /**
     * @param interval how long between two attempts to resume
     * @return a copy with it
     */
    public Postcopy withRetryInterval(Duration interval) {
        return new Postcopy(when, afterPasses, bandwidth, linkWait, interval);
    }
}

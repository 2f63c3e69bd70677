package io.qmp4j.migration;

/**
 * What happens to the destination QEMU when the migration fails or is cancelled.
 *
 * <p>Whatever the policy, a destination is only ever told to quit when it is the incoming QEMU
 * that this job set up ({@code migrate-incoming} by this job) and the migration failed after
 * state began to flow to it. A set-up failure before that leaves it waiting, as it was, for a
 * retry; a QEMU that was not waiting for a migration (a running VM) is never stopped or quit.
 *
 * @since 0.2
 */
public enum DestinationPolicy {
    /** Tell it to quit (QEMU 7.2 exits by itself after a failed incoming migration anyway). */
    QUIT,
    /** Leave it as it is. */
    KEEP
}

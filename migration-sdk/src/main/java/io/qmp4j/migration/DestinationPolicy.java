package io.qmp4j.migration;

/**
 * What happens to the destination QEMU when the migration fails or is cancelled.
 *
 * <p>Whatever the policy, a destination is only ever told to quit when it is the incoming QEMU
 * that this job set up ({@code migrate-incoming} by this job) and the migration failed after
 * state began to flow to it. A set-up failure before that leaves it waiting, as it was, for a
 * retry; a QEMU that was not waiting for a migration (a running VM) is never stopped or quit.
 *
 * <p>QEMU 7.2 exits by itself when its incoming migration fails. Where the destination's
 * {@code migrate-incoming} takes {@code exit-on-error} (QEMU 9.1 and newer), the job sets it to
 * {@code false}: the destination then keeps running after such a failure, and the job reads its
 * own reason (added to the failure's message, "the destination says: …"). With {@link #QUIT} it
 * is then told to quit, as older QEMUs would have exited; with {@link #KEEP} it stays, for
 * inspection ({@code query-migrate} on it shows the failure) — it cannot take another incoming
 * migration, so stop it when done.
 *
 * @since 0.2
 */
public enum DestinationPolicy {
    /** Tell it to quit (QEMU 7.2 exits by itself after a failed incoming migration anyway). */
    QUIT,
    /** Leave it as it is. */
    KEEP
}

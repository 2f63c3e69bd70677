package io.qmp4j.migration;

/**
 * What to do when a migration has not completed within its timeout (virsh {@code --timeout}).
 *
 * @since 0.1
 */
public enum TimeoutAction {
    /** Pause the source VM so that the migration completes (virsh {@code --timeout-suspend}, its default). The destination is resumed afterwards when the source was running. */
    SUSPEND,
    /** Switch to post-copy (virsh {@code --timeout-postcopy}): the destination runs at once and pulls the remaining pages. Needs the {@code postcopy-ram} capability, which the SDK sets on both sides. */
    POSTCOPY,
    /** Cancel the migration (virsh {@code --timeout-abort}); the source keeps running. */
    CANCEL
}

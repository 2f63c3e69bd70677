package io.qmp4j.migration;

import java.time.Duration;

/**
 * One disk of a copy-storage migration: how far its mirror is (in {@link MigrationProgress}) or
 * what it copied (in {@link MigrationResult}).
 *
 * @param disk the disk's id, as {@link Disk#id()}
 * @param sourceFile the image on the source
 * @param destinationFile the image on the destination
 * @param copiedBytes bytes the mirror wrote to the destination so far (guest writes during the
 *                    copy add to it, so it can pass {@code totalBytes})
 * @param totalBytes the mirror's current estimate of the work, bytes
 * @param ready whether the mirror is in sync (it then follows guest writes until switchover)
 * @param elapsed time since the mirror started
 * @param writeBlocking whether guest writes reach the destination as they are made
 *                      ({@code write-blocking}): asked for with {@link Storage.Copy#writeBlocking(boolean)},
 *                      or switched to once the mirror was in sync, where the source QEMU can
 *                      ({@code block-job-change}, QEMU 8.2 and newer); {@code false}: the mirror
 *                      copies them in the background and at the switchover
 * @since 0.1
 */
public record DiskCopy(String disk, String sourceFile, String destinationFile, long copiedBytes, long totalBytes, boolean ready,
                       Duration elapsed, boolean writeBlocking) {

    /** @return the share copied, 0 to 100 */
    public double percent() {
        return totalBytes <= 0 ? (ready ? 100 : 0) : Math.min(100.0, 100.0 * copiedBytes / totalBytes);
    }
}

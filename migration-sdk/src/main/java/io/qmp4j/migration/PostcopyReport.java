package io.qmp4j.migration;

import java.time.Duration;

/**
 * What post-copy did in a migration that switched to it.
 *
 * @param precopyTime from the start of the migration to the switch
 * @param requests pages the destination asked for because its VM touched them ({@code postcopy-requests})
 * @param bytes bytes sent in post-copy ({@code postcopy-bytes})
 * @param recoveries how often a broken link was recovered ({@code migrate-recover} and {@code migrate resume})
 * @param pausedTime how long the migration stood in {@code postcopy-paused} or {@code postcopy-recover}, in all
 * @since 0.2
 */
public record PostcopyReport(Duration precopyTime, long requests, long bytes, int recoveries, Duration pausedTime) {
}

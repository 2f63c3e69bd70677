package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The reply to {@code query-migrate}. Most members are present only in some states.
 *
 * @param statusName the state as sent; {@code null} when no migration ran yet
 * @param ram RAM statistics, or {@code null}
 * @param disk block-migration statistics, or {@code null}
 * @param xbzrleCache XBZRLE cache statistics, or {@code null}
 * @param totalTime milliseconds since the migration started (or its total, once completed)
 * @param expectedDowntime the expected pause at switchover, ms (while active)
 * @param downtime the pause the guest had, ms (once completed)
 * @param setupTime time spent in setup, ms
 * @param cpuThrottlePercentage the auto-converge throttle now applied, percent
 * @param errorDesc why it failed, for humans
 * @param blockedReasons why a migration cannot start, or {@code null}
 * @param postcopyBlocktime total post-copy page-fault block time, ms
 * @param postcopyVcpuBlocktime per-vCPU post-copy block time, ms
 * @param compression statistics of the {@code compress} capability, or {@code null}
 * @param socketAddress the addresses the destination listens on, or {@code null}
 * @param vfio VFIO device statistics, or {@code null}
 * @since 0.1
 */
public record MigrationInfo(@JsonProperty("status") String statusName, MigrationStats ram, MigrationStats disk,
                            @JsonProperty("xbzrle-cache") JsonNode xbzrleCache, @JsonProperty("total-time") Long totalTime,
                            @JsonProperty("expected-downtime") Long expectedDowntime, Long downtime,
                            @JsonProperty("setup-time") Long setupTime,
                            @JsonProperty("cpu-throttle-percentage") Long cpuThrottlePercentage,
                            @JsonProperty("error-desc") String errorDesc,
                            @JsonProperty("blocked-reasons") List<String> blockedReasons,
                            @JsonProperty("postcopy-blocktime") Long postcopyBlocktime,
                            @JsonProperty("postcopy-vcpu-blocktime") List<Long> postcopyVcpuBlocktime,
                            JsonNode compression, @JsonProperty("socket-address") JsonNode socketAddress, JsonNode vfio) {

    /** @return the state; {@link MigrationStatus#NONE} before any migration */
    public MigrationStatus status() {
        return statusName == null ? MigrationStatus.NONE : MigrationStatus.of(statusName);
    }

    /**
     * QAPI's {@code MigrationStats}: RAM (or disk) transfer statistics.
     *
     * @param transferred bytes sent
     * @param remaining bytes still to send
     * @param total bytes in all
     * @param duplicate pages found zero
     * @param skipped pages skipped
     * @param normal pages sent whole
     * @param normalBytes bytes of pages sent whole
     * @param dirtyPagesRate pages dirtied per second
     * @param mbps throughput, megabits per second
     * @param dirtySyncCount how many dirty-bitmap syncs (passes) so far
     * @param postcopyRequests page requests from the destination in post-copy
     * @param pageSize the target page size
     * @param multifdBytes bytes sent over multifd channels
     * @param pagesPerSecond pages sent per second
     * @param precopyBytes bytes sent in pre-copy
     * @param downtimeBytes bytes sent while the guest was paused
     * @param postcopyBytes bytes sent in post-copy
     * @param dirtySyncMissedZeroCopy zero-copy syncs missed
     */
    public record MigrationStats(Long transferred, Long remaining, Long total, Long duplicate, Long skipped, Long normal,
                                 @JsonProperty("normal-bytes") Long normalBytes,
                                 @JsonProperty("dirty-pages-rate") Long dirtyPagesRate, Double mbps,
                                 @JsonProperty("dirty-sync-count") Long dirtySyncCount,
                                 @JsonProperty("postcopy-requests") Long postcopyRequests,
                                 @JsonProperty("page-size") Long pageSize,
                                 @JsonProperty("multifd-bytes") Long multifdBytes,
                                 @JsonProperty("pages-per-second") Long pagesPerSecond,
                                 @JsonProperty("precopy-bytes") Long precopyBytes,
                                 @JsonProperty("downtime-bytes") Long downtimeBytes,
                                 @JsonProperty("postcopy-bytes") Long postcopyBytes,
                                 @JsonProperty("dirty-sync-missed-zero-copy") Long dirtySyncMissedZeroCopy) {
    }
}

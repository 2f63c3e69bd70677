package io.qmp4j.migration;

/**
 * The bandwidth and downtime limits that applied to a migration, and where each came from.
 *
 * @param bandwidth the source's {@code max-bandwidth} during the migration, bytes per second
 * @param bandwidthOrigin where that value came from
 * @param downtimeLimitMillis the source's {@code downtime-limit} during the migration, milliseconds
 * @param downtimeOrigin where that value came from
 * @since 0.2
 */
public record MigrationLimits(long bandwidth, Origin bandwidthOrigin, long downtimeLimitMillis, Origin downtimeOrigin) {

    /** No limits known (the migration never got as far as reading them). */
    public static final MigrationLimits UNKNOWN = new MigrationLimits(0, Origin.UNKNOWN, 0, Origin.UNKNOWN);

    /** Where a limit came from. */
    public enum Origin {
        /** This migration's own option ({@code bandwidth(…)}, {@code maxDowntime(…)}, virsh's {@code --bandwidth}). */
        OPTION,
        /** What the source already had: set beforehand by {@code migrate-setspeed}, {@code migrate-setmaxdowntime} or another client. */
        SOURCE_SETTING,
        /** QEMU's untouched built-in default bandwidth, lifted to "unlimited" as libvirt does. */
        DEFAULT_LIFTED,
        /** Not read. */
        UNKNOWN
    }
}

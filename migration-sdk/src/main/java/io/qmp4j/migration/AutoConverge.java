package io.qmp4j.migration;

/**
 * Auto-converge: QEMU throttles the source's vCPUs when the guest dirties memory faster than
 * the migration sends it (virsh {@code --auto-converge}).
 *
 * @param initialPercent throttle applied first (QEMU default 20)
 * @param incrementPercent added at each further step (QEMU default 10)
 * @param maxPercent the most it may throttle (QEMU default 99)
 * @param tailslow whether to slow the increase near the end
 * @since 0.1
 */
public record AutoConverge(int initialPercent, int incrementPercent, int maxPercent, boolean tailslow) {

    /** Checks the ranges. */
    public AutoConverge {
        if (initialPercent < 1 || initialPercent > 99 || incrementPercent < 1 || incrementPercent > 99
                || maxPercent < 1 || maxPercent > 99) {
            throw new IllegalArgumentException("auto-converge percentages must be in 1..99");
        }
    }

    /** @return QEMU's defaults: 20 %, +10 %, at most 99 % */
    public static AutoConverge defaults() {
        return new AutoConverge(20, 10, 99, false);
    }
}

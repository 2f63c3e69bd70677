package io.qmp4j.migration.dirtyrate;

import io.qmp4j.core.qapi.DirtyRateMeasureMode;
import java.time.Duration;
import java.util.List;

/**
 * A measured dirty rate.
 *
 * @param mebibytesPerSecond how fast the guest dirties memory, MiB/s (QEMU reports "MB/s" in units of 2^20 bytes)
 * @param mode how it was measured
 * @param calcTime how long it was measured
 * @param perVcpu per-vCPU rates in MiB/s ({@code dirty-ring} mode only), else empty
 * @since 0.1
 */
public record DirtyRate(long mebibytesPerSecond, DirtyRateMeasureMode mode, Duration calcTime, List<Long> perVcpu) {

    /** Copies the list. */
    public DirtyRate {
        perVcpu = List.copyOf(perVcpu);
    }

    /** @return the rate in bytes per second */
    public long bytesPerSecond() {
        return mebibytesPerSecond * 1024 * 1024;
    }
}

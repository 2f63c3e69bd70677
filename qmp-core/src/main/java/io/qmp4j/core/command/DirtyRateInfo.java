package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The reply to {@code query-dirty-rate}.
 *
 * @param dirtyRate the measured rate in MiB/s, once {@code measured}; else {@code null}
 * @param statusName the state as sent ({@code unstarted}, {@code measuring}, {@code measured})
 * @param startTime when the measurement started (seconds, QEMU's clock)
 * @param calcTime how long it measured, in seconds
 * @param samplePages pages sampled per GiB ({@code page-sampling} mode)
 * @param modeName the mode as sent
 * @param vcpuDirtyRate per-vCPU rates ({@code dirty-ring} mode), or {@code null}
 * @since 0.1
 */
public record DirtyRateInfo(@JsonProperty("dirty-rate") Long dirtyRate, @JsonProperty("status") String statusName,
                            @JsonProperty("start-time") long startTime, @JsonProperty("calc-time") long calcTime,
                            @JsonProperty("sample-pages") long samplePages, @JsonProperty("mode") String modeName,
                            @JsonProperty("vcpu-dirty-rate") List<VcpuDirtyRate> vcpuDirtyRate) {

    /** @return the state of the measurement */
    public DirtyRateStatus status() {
        return DirtyRateStatus.of(statusName);
    }

    /** @return the mode measured with */
    public DirtyRateMeasureMode mode() {
        return DirtyRateMeasureMode.of(modeName);
    }

    /**
     * The dirty rate of one vCPU.
     *
     * @param id the vCPU index
     * @param dirtyRate MiB/s
     */
    public record VcpuDirtyRate(long id, @JsonProperty("dirty-rate") long dirtyRate) {
    }
}

package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code calc-dirty-rate}: starts measuring how fast the guest dirties its memory. Poll
 * {@link QueryDirtyRate} until it is {@code measured}, about {@code calcTime} seconds later.
 *
 * @param calcTime how long to measure, seconds (1 to 60)
 * @param samplePages pages sampled per GiB in {@code page-sampling} mode, or {@code null} (512)
 * @param mode {@code page-sampling} (default), {@code dirty-bitmap} or {@code dirty-ring}
 *             (needs {@code -accel kvm,dirty-ring-size=N}), or {@code null}
 * @since 0.1
 */
public record CalcDirtyRate(@JsonProperty("calc-time") long calcTime, @JsonProperty("sample-pages") Long samplePages,
                            String mode) implements QmpCommand<Void> {

    /** Checks the measuring time. */
    public CalcDirtyRate {
        if (calcTime < 1 || calcTime > 60) {
            throw new IllegalArgumentException("calc-time " + calcTime + " s is not in 1..60");
        }
    }

    /** @param calcTime how long to measure, seconds (1 to 60), with QEMU's default mode */
    public CalcDirtyRate(long calcTime) {
        this(calcTime, null, null);
    }

    /**
     * @param m the measuring mode
     * @return this command with that mode
     */
    public CalcDirtyRate withMode(DirtyRateMeasureMode m) {
        if (m == DirtyRateMeasureMode.UNKNOWN) {
            throw new IllegalArgumentException("UNKNOWN is not a mode");
        }
        return new CalcDirtyRate(calcTime, samplePages, m.qapiName());
    }

    @Override
    public String commandName() {
        return "calc-dirty-rate";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}

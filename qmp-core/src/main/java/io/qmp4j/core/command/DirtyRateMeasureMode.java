package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code DirtyRateMeasureMode}: how {@code calc-dirty-rate} measures. Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum DirtyRateMeasureMode {
    /** {@code page-sampling} */
    PAGE_SAMPLING("page-sampling"),
    /** {@code dirty-ring} */
    DIRTY_RING("dirty-ring"),
    /** {@code dirty-bitmap} */
    DIRTY_BITMAP("dirty-bitmap"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    DirtyRateMeasureMode(String qapiName) {
        this.qapiName = qapiName;
    }

    /** @return the value as QEMU spells it; {@code null} for {@link #UNKNOWN} */
    @JsonValue
    public String qapiName() {
        return qapiName;
    }

    /**
     * @param text the value as QEMU spells it
     * @return the constant, or {@link #UNKNOWN}
     */
    public static DirtyRateMeasureMode of(String text) {
        for (DirtyRateMeasureMode v : values()) {
            if (v.qapiName != null && v.qapiName.equals(text)) {
                return v;
            }
        }
        return UNKNOWN;
    }

    @Override
    public String toString() {
        return qapiName == null ? "unknown" : qapiName;
    }
}

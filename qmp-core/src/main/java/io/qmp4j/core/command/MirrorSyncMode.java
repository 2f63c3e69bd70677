package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code MirrorSyncMode}: what a mirror copies. Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum MirrorSyncMode {
    /** {@code top} */
    TOP("top"),
    /** {@code full} */
    FULL("full"),
    /** {@code none} */
    NONE("none"),
    /** {@code incremental} */
    INCREMENTAL("incremental"),
    /** {@code bitmap} */
    BITMAP("bitmap"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    MirrorSyncMode(String qapiName) {
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
    public static MirrorSyncMode of(String text) {
        for (MirrorSyncMode v : values()) {
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

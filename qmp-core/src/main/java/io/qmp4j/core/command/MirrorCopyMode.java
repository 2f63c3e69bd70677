package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code MirrorCopyMode}: how a mirror treats guest writes: {@code background} copies them later, {@code write-blocking} copies them synchronously, so that the mirror converges even when the guest writes faster than the link. Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum MirrorCopyMode {
    /** {@code background} */
    BACKGROUND("background"),
    /** {@code write-blocking} */
    WRITE_BLOCKING("write-blocking"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    MirrorCopyMode(String qapiName) {
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
    public static MirrorCopyMode of(String text) {
        for (MirrorCopyMode v : values()) {
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

package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code NewImageMode}: whether {@code drive-mirror} creates its target or uses an existing one. Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum NewImageMode {
    /** {@code existing} */
    EXISTING("existing"),
    /** {@code absolute-paths} */
    ABSOLUTE_PATHS("absolute-paths"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    NewImageMode(String qapiName) {
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
    public static NewImageMode of(String text) {
        for (NewImageMode v : values()) {
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

package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code BlockdevOnError}: what a block job does on an I/O error. Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum BlockdevOnError {
    /** {@code report} */
    REPORT("report"),
    /** {@code ignore} */
    IGNORE("ignore"),
    /** {@code enospc} */
    ENOSPC("enospc"),
    /** {@code stop} */
    STOP("stop"),
    /** {@code auto} */
    AUTO("auto"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    BlockdevOnError(String qapiName) {
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
    public static BlockdevOnError of(String text) {
        for (BlockdevOnError v : values()) {
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

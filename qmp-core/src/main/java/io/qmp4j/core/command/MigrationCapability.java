package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code MigrationCapability}: a migration capability ({@code migrate-set-capabilities}). Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum MigrationCapability {
    /** {@code xbzrle} */
    XBZRLE("xbzrle"),
    /** {@code rdma-pin-all} */
    RDMA_PIN_ALL("rdma-pin-all"),
    /** {@code auto-converge} */
    AUTO_CONVERGE("auto-converge"),
    /** {@code zero-blocks} */
    ZERO_BLOCKS("zero-blocks"),
    /** {@code compress} */
    COMPRESS("compress"),
    /** {@code events} */
    EVENTS("events"),
    /** {@code postcopy-ram} */
    POSTCOPY_RAM("postcopy-ram"),
    /** {@code x-colo} */
    X_COLO("x-colo"),
    /** {@code release-ram} */
    RELEASE_RAM("release-ram"),
    /** {@code block} */
    BLOCK("block"),
    /** {@code return-path} */
    RETURN_PATH("return-path"),
    /** {@code pause-before-switchover} */
    PAUSE_BEFORE_SWITCHOVER("pause-before-switchover"),
    /** {@code multifd} */
    MULTIFD("multifd"),
    /** {@code dirty-bitmaps} */
    DIRTY_BITMAPS("dirty-bitmaps"),
    /** {@code postcopy-blocktime} */
    POSTCOPY_BLOCKTIME("postcopy-blocktime"),
    /** {@code late-block-activate} */
    LATE_BLOCK_ACTIVATE("late-block-activate"),
    /** {@code x-ignore-shared} */
    X_IGNORE_SHARED("x-ignore-shared"),
    /** {@code validate-uuid} */
    VALIDATE_UUID("validate-uuid"),
    /** {@code background-snapshot} */
    BACKGROUND_SNAPSHOT("background-snapshot"),
    /** {@code zero-copy-send} */
    ZERO_COPY_SEND("zero-copy-send"),
    /** {@code postcopy-preempt} */
    POSTCOPY_PREEMPT("postcopy-preempt"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    MigrationCapability(String qapiName) {
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
    public static MigrationCapability of(String text) {
        for (MigrationCapability v : values()) {
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

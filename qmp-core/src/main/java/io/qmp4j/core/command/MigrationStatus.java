package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code MigrationStatus}: the state of a migration ({@code query-migrate}, the {@code MIGRATION} event); grows with QEMU versions. Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum MigrationStatus {
    /** {@code none} */
    NONE("none"),
    /** {@code setup} */
    SETUP("setup"),
    /** {@code cancelling} */
    CANCELLING("cancelling"),
    /** {@code cancelled} */
    CANCELLED("cancelled"),
    /** {@code active} */
    ACTIVE("active"),
    /** {@code postcopy-active} */
    POSTCOPY_ACTIVE("postcopy-active"),
    /** {@code postcopy-paused} */
    POSTCOPY_PAUSED("postcopy-paused"),
    /** {@code postcopy-recover} */
    POSTCOPY_RECOVER("postcopy-recover"),
    /** {@code postcopy-recover-setup}: a post-copy recovery connecting (QEMU 9.1 and later) */
    POSTCOPY_RECOVER_SETUP("postcopy-recover-setup"),
    /** {@code completed} */
    COMPLETED("completed"),
    /** {@code failed} */
    FAILED("failed"),
    /** {@code colo} */
    COLO("colo"),
    /** {@code pre-switchover} */
    PRE_SWITCHOVER("pre-switchover"),
    /** {@code device} */
    DEVICE("device"),
    /** {@code wait-unplug} */
    WAIT_UNPLUG("wait-unplug"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    MigrationStatus(String qapiName) {
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
    public static MigrationStatus of(String text) {
        for (MigrationStatus v : values()) {
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

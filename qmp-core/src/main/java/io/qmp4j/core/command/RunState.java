package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code RunState}: QEMU's run state ({@code query-status}). Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum RunState {
    /** {@code debug} */
    DEBUG("debug"),
    /** {@code inmigrate} */
    INMIGRATE("inmigrate"),
    /** {@code internal-error} */
    INTERNAL_ERROR("internal-error"),
    /** {@code io-error} */
    IO_ERROR("io-error"),
    /** {@code paused} */
    PAUSED("paused"),
    /** {@code postmigrate} */
    POSTMIGRATE("postmigrate"),
    /** {@code prelaunch} */
    PRELAUNCH("prelaunch"),
    /** {@code finish-migrate} */
    FINISH_MIGRATE("finish-migrate"),
    /** {@code restore-vm} */
    RESTORE_VM("restore-vm"),
    /** {@code running} */
    RUNNING("running"),
    /** {@code save-vm} */
    SAVE_VM("save-vm"),
    /** {@code shutdown} */
    SHUTDOWN("shutdown"),
    /** {@code suspended} */
    SUSPENDED("suspended"),
    /** {@code watchdog} */
    WATCHDOG("watchdog"),
    /** {@code guest-panicked} */
    GUEST_PANICKED("guest-panicked"),
    /** {@code colo} */
    COLO("colo"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    RunState(String qapiName) {
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
    public static RunState of(String text) {
        for (RunState v : values()) {
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

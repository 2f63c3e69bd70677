package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * QAPI's {@code JobStatus}: the state of a block job or job. Values from QEMU 7.2; a value this library does not know reads as
 * {@link #UNKNOWN} (the raw text stays available where it is read).
 *
 * @since 0.1
 */
public enum JobStatus {
    /** {@code undefined} */
    UNDEFINED("undefined"),
    /** {@code created} */
    CREATED("created"),
    /** {@code running} */
    RUNNING("running"),
    /** {@code paused} */
    PAUSED("paused"),
    /** {@code ready} */
    READY("ready"),
    /** {@code standby} */
    STANDBY("standby"),
    /** {@code waiting} */
    WAITING("waiting"),
    /** {@code pending} */
    PENDING("pending"),
    /** {@code aborting} */
    ABORTING("aborting"),
    /** {@code concluded} */
    CONCLUDED("concluded"),
    /** {@code null} */
    NULL("null"),
    /** A value this version of qmp4j does not know. */
    @JsonEnumDefaultValue
    UNKNOWN(null);

    private final String qapiName;

    JobStatus(String qapiName) {
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
    public static JobStatus of(String text) {
        for (JobStatus v : values()) {
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

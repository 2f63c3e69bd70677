package io.qmp4j.migration.internal;

import io.qmp4j.migration.FailureKind;
import java.util.Optional;

/** Why a job stops: a kind, a message for humans, and QEMU's error class when QEMU gave one. */
final class Failure extends Exception {

    private final FailureKind kind;
    private final String qmpClass;

    Failure(FailureKind kind, String message) {
        this(kind, message, null, null);
    }

    Failure(FailureKind kind, String message, String qmpClass, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.qmpClass = qmpClass;
    }

    FailureKind kind() {
        return kind;
    }

    /** @return QEMU's error class, else the kind's short name */
    String errorClass() {
        return Optional.ofNullable(qmpClass).orElse(kind.errorClass());
    }

    static FailureKind gone(Side side) {
        return side == Side.SOURCE ? FailureKind.SOURCE_GONE : FailureKind.DESTINATION_GONE;
    }
}

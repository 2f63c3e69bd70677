package io.qmp4j.migration;

/**
 * Why a migration did not complete: one value per kind of failure, so that a control plane can
 * decide what to do (retry elsewhere, alert, wait for the network) without reading messages.
 *
 * @since 0.2
 */
public enum FailureKind {
    /** A pre-flight check refused it before anything was changed ({@link PreflightException}). */
    REFUSED("PreflightRefused"),
    /** The source QEMU went away (quit, crashed, was killed) or its monitor closed. */
    SOURCE_GONE("QemuGone"),
    /** The destination QEMU went away or its monitor closed. */
    DESTINATION_GONE("QemuGone"),
    /** Nothing moved for the stall timeout: the network seems broken. */
    STALLED("Stalled"),
    /** Cancelled by this job's owner ({@link MigrationHandle#cancel()}, Ctrl-C in the CLI). */
    CANCELLED("Cancelled"),
    /** Cancelled by someone else: a {@code migrate_cancel} sent by another client of the source. */
    CANCELLED_ELSEWHERE("CancelledElsewhere"),
    /** The timeout passed and its action was to cancel. */
    TIMED_OUT("TimedOut"),
    /** QEMU reports the migration failed (its {@code error-desc} is in the message). */
    MIGRATION_FAILED("MigrationFailed"),
    /** A command of the orchestration was refused by QEMU; the QMP error class is in {@link MigrationResult#errorClass()}. */
    COMMAND_FAILED("CommandFailed"),
    /**
     * The link broke in post-copy and did not come back within {@link Postcopy#linkWait()}: the
     * VM is paused on both QEMUs (its memory split between them) and nothing was undone. Resume
     * it with {@link AttachedJob#resumePostcopy} ({@code qmp4j migrate --postcopy-resume}).
     */
    POSTCOPY_PAUSED("PostcopyPaused"),
    /** Anything else: a bug or an unexpected reply; the message says what. */
    UNEXPECTED("Unexpected");

    private final String errorClass;

    FailureKind(String errorClass) {
        this.errorClass = errorClass;
    }

    /** @return the short name used as {@link MigrationResult#errorClass()} when QEMU gave no error class */
    public String errorClass() {
        return errorClass;
    }

    /** @return whether the migration was cancelled (by anyone, or by the timeout's cancel action) rather than failing */
    public boolean isCancel() {
        return this == CANCELLED || this == CANCELLED_ELSEWHERE || this == TIMED_OUT;
    }
}

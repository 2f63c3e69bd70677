package io.qmp4j.migration;

/**
 * What a migration job does, for a control plane's metrics and traces: its phases, its progress,
 * each change it journals before making it (what a rollback would undo), each step a rollback
 * undid or could not undo, and how it ended. Set with {@link Migration.Builder#listener}. The
 * same facts are JFR events ({@code io.qmp4j.Migration}, {@code io.qmp4j.MigrationPhase},
 * {@code io.qmp4j.JournalStep}), with or without a listener.
 *
 * <p>Methods run on the job's own thread (the end on the thread that completes the job); keep
 * them short. An exception thrown by a method is logged and otherwise ignored. Every method does
 * nothing by default.
 *
 * @since 0.2
 */
public interface MigrationListener {

    /**
     * @param job the job's id ({@link MigrationHandle#job()})
     * @param from the phase before ({@code null} when the job starts)
     * @param to the phase now
     */
    default void phaseChanged(String job, MigrationProgress.Phase from, MigrationProgress.Phase to) {
    }

    /**
     * @param job the job's id
     * @param progress a progress update, as {@link Migration.Builder#progressListener} gets it
     */
    default void progress(String job, MigrationProgress progress) {
    }

    /**
     * A change is about to be made, its undo recorded first (in the job's journal, kept in QEMU).
     *
     * @param job the job's id
     * @param side {@code source} or {@code destination}
     * @param what what will be undone, e.g. {@code capabilities events} or {@code NBD server}
     */
    default void stepRecorded(String job, String side, String what) {
    }

    /**
     * @param job the job's id
     * @param done what the rollback did, e.g. {@code restored parameters max-bandwidth on the source}
     */
    default void stepUndone(String job, String done) {
    }

    /**
     * @param job the job's id
     * @param why what the rollback could not undo, and why
     */
    default void stepNotUndone(String job, String why) {
    }

    /**
     * The job ended.
     *
     * @param job the job's id
     * @param result its result: completed, cancelled, failed ({@link MigrationResult#outcome()}); {@code null} when
     *               a pre-flight check refused the migration before anything was changed
     * @param failure why it failed or was refused, or {@code null} when it completed
     */
    default void finished(String job, MigrationResult result, Throwable failure) {
    }
}

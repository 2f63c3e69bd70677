package io.qmp4j.migration.internal;

import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationListener;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationProgress.Phase;
import io.qmp4j.migration.MigrationResult;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a job's {@link MigrationListener} and JFR what the job does: each phase as a JFR event
 * that lasts as long as the phase, the whole job as one, and each journal step. A listener's
 * exception is logged, never passed on.
 */
final class JobObserver implements Journal.Observer {

    private static final Logger log = LoggerFactory.getLogger(JobObserver.class);

    private final String job;
    private final MigrationListener listener;
    private final JobEvent whole = FlightRecorder.isInitialized() ? new JobEvent() : null; // none until JFR runs (Observer.recording)
    private Phase phase; // the job's thread only
    private PhaseEvent phaseEvent;

    JobObserver(String job, MigrationListener listener, String source, String destination) {
        this.job = job;
        this.listener = listener;
        if (whole != null) {
            whole.job = job;
            whole.source = source;
            whole.destination = destination;
            whole.begin();
        }
    }

    void phase(Phase to) {
        Phase from = phase;
        if (from == to) {
            return;
        }
        phase = to;
        endPhase();
        if (to != Phase.DONE && FlightRecorder.isInitialized()) { // the end is the job's event, not a phase that lasts
            phaseEvent = new PhaseEvent();
            phaseEvent.job = job;
            phaseEvent.phase = to.name();
            phaseEvent.begin();
        }
        safely(() -> listener.phaseChanged(job, from, to));
    }

    void progress(MigrationProgress p) {
        safely(() -> listener.progress(job, p));
    }

    @Override
    public void recorded(Undo undo) {
        step(undo.side().label(), undo.what(), "recorded");
        safely(() -> listener.stepRecorded(job, undo.side().label(), undo.what()));
    }

    @Override
    public void undone(Undo undo, String done) {
        step(undo.side().label(), done, "undone");
        safely(() -> listener.stepUndone(job, done));
    }

    @Override
    public void notUndone(Undo undo, String why) {
        step(undo.side().label(), why, "not undone");
        safely(() -> listener.stepNotUndone(job, why));
    }

    /** The job ended: its result, or why it failed (a {@link MigrationException} carries a result too). */
    void finished(MigrationResult result, Throwable failure) {
        endPhase();
        MigrationResult r = result != null ? result : failure instanceof MigrationException m ? m.result() : null;
        if (whole != null) {
            whole.end();
            if (whole.shouldCommit()) {
                whole.outcome = r != null ? r.outcome().name() : "REFUSED";
                whole.commit();
            }
        }
        safely(() -> listener.finished(job, r, failure));
    }

    private void endPhase() {
        PhaseEvent e = phaseEvent;
        phaseEvent = null;
        if (e != null) {
            e.end();
            if (e.shouldCommit()) {
                e.commit();
            }
        }
    }

    private void step(String side, String what, String action) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        StepEvent e = new StepEvent();
        if (e.shouldCommit()) {
            e.job = job;
            e.side = side;
            e.what = what;
            e.action = action;
            e.commit();
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("job {}: a MigrationListener threw; ignored", job, e);
        }
    }

    /** A whole migration job. */
    @Name("io.qmp4j.Migration")
    @Label("Migration")
    @Category({"qmp4j", "Migration"})
    static final class JobEvent extends Event {
        @Label("Job")
        String job;
        @Label("Source")
        String source;
        @Label("Destination")
        String destination;
        @Label("Outcome")
        @Description("COMPLETED, CANCELLED, FAILED, or REFUSED by a pre-flight check")
        String outcome;
    }

    /** One phase of a job, as long as it lasted. */
    @Name("io.qmp4j.MigrationPhase")
    @Label("Migration Phase")
    @Category({"qmp4j", "Migration"})
    static final class PhaseEvent extends Event {
        @Label("Job")
        String job;
        @Label("Phase")
        String phase;
    }

    /** A journal step: recorded before its change, undone or not by a rollback. */
    @Name("io.qmp4j.JournalStep")
    @Label("Migration Journal Step")
    @Category({"qmp4j", "Migration"})
    static final class StepEvent extends Event {
        @Label("Job")
        String job;
        @Label("Side")
        String side;
        @Label("What")
        String what;
        @Label("Action")
        @Description("recorded, undone, or not undone")
        String action;
    }
}

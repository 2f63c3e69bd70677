package io.qmp4j.migration.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change a job makes, as its compensating action, recorded the moment before the change
 * is made (and kept in the QEMU's job record), so that undoing runs exactly the inverse of what
 * was done, newest first. Thread-safe.
 */
final class Journal {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    /** A change to make once its undo is recorded. */
    @FunctionalInterface
    interface Change<T> {
        T make() throws Failure;
    }

    /** Where the steps are kept; {@link JobStore} in a job, nothing in a unit test. */
    interface Store {
        void save(Side side, List<Undo> steps) throws Failure;
    }

    /** What undoing did: one line for each step done, one for each that could not be, and why. */
    record Report(List<String> done, List<String> failed) {
        Report {
            done = List.copyOf(done);
            failed = List.copyOf(failed);
        }
    }

    /** Told of each step recorded, undone, or not undone; for listeners and JFR. */
    interface Observer {
        void recorded(Undo undo);

        void undone(Undo undo, String done);

        void notUndone(Undo undo, String why);
    }

    private static final Observer NOBODY = new Observer() {
        @Override
        public void recorded(Undo undo) {
        }

        @Override
        public void undone(Undo undo, String done) {
        }

        @Override
        public void notUndone(Undo undo, String why) {
        }
    };

    private final Store store;
    private final Observer observer;
    private final List<Undo> steps = new ArrayList<>();

    Journal(Store store) {
        this(store, NOBODY);
    }

    Journal(Store store, Observer observer) {
        this.store = store;
        this.observer = observer;
    }

    /** Journals a change that was already made by a process before (a recovered record). */
    synchronized void adopt(List<Undo> recorded) {
        steps.addAll(recorded);
    }

    /**
     * Records the undo, then makes the change; when the change fails, its undo is forgotten.
     *
     * @return what the change returned
     */
    <T> T perform(Undo undo, Change<T> change) throws Failure {
        record(undo);
        try {
            return change.make();
        } catch (Failure | RuntimeException e) {
            forget(undo);
            throw e;
        }
    }

    /** Records an undo (write-ahead: before the change it undoes). */
    synchronized void record(Undo undo) throws Failure {
        steps.add(undo);
        try {
            store.save(undo.side(), sideSteps(undo.side()));
        } catch (Failure | RuntimeException e) {
            steps.remove(undo);
            throw e;
        }
        observer.recorded(undo);
    }

    /** Drops a step that no longer needs undoing (a mirror that completed, a server stopped on success). */
    synchronized void forget(Undo undo) {
        if (steps.remove(undo)) {
            try {
                store.save(undo.side(), sideSteps(undo.side()));
            } catch (Failure | RuntimeException e) {
                log.debug("could not update the journal on the {}: {}", undo.side().label(), e.getMessage());
            }
        }
    }

    /** @return the steps still to undo, oldest first */
    synchronized List<Undo> steps() {
        return List.copyOf(steps);
    }

    /**
     * Undoes the selected steps, newest first. Each is attempted even when an earlier one
     * failed; a step done (or already gone) is removed, one that failed stays.
     *
     * @param which the steps to undo
     * @param undoer runs one step
     * @return what was done and what could not be
     */
    Report undo(Predicate<Undo> which, Undoer undoer) {
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<Undo> todo = steps();
        for (int i = todo.size() - 1; i >= 0; i--) {
            Undo u = todo.get(i);
            if (!which.test(u)) {
                continue;
            }
            try {
                String d = undoer.undo(u);
                done.add(d);
                forget(u);
                observer.undone(u, d);
            } catch (Failure | RuntimeException e) {
                log.debug("undo of {} on the {} failed: {}", u.what(), u.side().label(), e.getMessage());
                String why = "could not undo the " + u.what() + " on the " + u.side().label() + ": " + e.getMessage();
                failed.add(why);
                observer.notUndone(u, why);
            }
        }
        return new Report(done, failed);
    }

    private List<Undo> sideSteps(Side side) {
        return steps.stream().filter(s -> s.side() == side).toList();
    }
}

package io.qmp4j.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.migration.FailureKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal: write-ahead, undone newest first, every step attempted, failures reported. */
class JournalTest {

    private final List<String> saved = new ArrayList<>();
    private final Journal journal = new Journal((side, steps) -> saved.add(side.label() + ":" + steps.size()));

    @Test
    void undoRunsNewestFirstAndAFailedStepDoesNotStopTheOthers() throws Exception {
        Undo a = Undo.object(Side.DESTINATION, "qmp4j-x-tls", "TLS object");
        Undo b = Undo.nbdServer();
        Undo c = Undo.node("qmp4j-x-mirror-0", "vblk0");
        for (Undo u : List.of(a, b, c)) {
            journal.record(u);
        }
        List<String> order = new ArrayList<>();
        Journal.Report r = journal.undo(u -> true, u -> {
            order.add(u.what());
            if (u == b) {
                throw new Failure(FailureKind.COMMAND_FAILED, "nbd-server-stop on the destination: broken");
            }
            return "undid " + u.what();
        });
        assertEquals(List.of(c.what(), b.what(), a.what()), order, "newest first");
        assertEquals(List.of("undid " + c.what(), "undid " + a.what()), r.done());
        assertEquals(1, r.failed().size());
        assertTrue(r.failed().get(0).contains("NBD server") && r.failed().get(0).contains("broken"), r.failed().toString());
        assertEquals(List.of(b), journal.steps(), "the failed step stays, to be tried again");
    }

    @Test
    void theUndoIsRecordedBeforeTheChangeAndForgottenWhenTheChangeFails() {
        Undo u = Undo.object(Side.SOURCE, "qmp4j-x-tls", "TLS object");
        assertThrows(Failure.class, () -> journal.perform(u, () -> {
            assertEquals(List.of("source:1"), saved, "written before the change");
            throw new Failure(FailureKind.COMMAND_FAILED, "object-add refused");
        }));
        assertEquals(List.of(), journal.steps());
        assertEquals(List.of("source:1", "source:0"), saved);
    }

    @Test
    void aStepThatCannotBeRecordedIsNotMade() {
        Journal broken = new Journal((side, steps) -> {
            throw new Failure(FailureKind.SOURCE_GONE, "gone");
        });
        assertThrows(Failure.class, () -> broken.perform(Undo.resume(Side.SOURCE), () -> {
            throw new AssertionError("the change was made without its undo recorded");
        }));
        assertEquals(List.of(), broken.steps());
    }

    @Test
    void onlySelectedStepsAreUndone() throws Exception {
        Undo restore = Undo.object(Side.SOURCE, "qmp4j-x-tls", "TLS object");
        Undo resume = Undo.resume(Side.SOURCE);
        journal.record(restore);
        journal.record(resume);
        Journal.Report r = journal.undo(Undo::onSuccess, u -> "done");
        assertEquals(List.of("done"), r.done(), "a resume is only for rollback");
        assertEquals(List.of(resume), journal.steps());
    }
}

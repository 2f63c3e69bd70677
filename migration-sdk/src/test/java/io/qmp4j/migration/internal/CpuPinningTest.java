package io.qmp4j.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pinning one thread with taskset: a thread that ended meanwhile is skipped, other failures stay failures. */
class CpuPinningTest {

    private final Journal journal = new Journal((side, steps) -> { });

    @BeforeEach
    void needsTaskset() {
        assumeTrue(Taskset.available(), "taskset (util-linux) is not installed here");
    }

    @Test
    void aThreadThatEndedBeforeItsPinIsSkippedAndNothingIsJournalled() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1);
        long gone = p.pid(); // a single-threaded process: its one thread's id is its pid
        assertFalse(CpuPinning.pin(journal, gone, gone, "multifdsend_1", "0"));
        assertEquals(List.of(), journal.steps());
    }

    @Test
    void aFailureOnALiveThreadIsStillAFailureAndItsUndoIsForgotten() {
        long me = ProcessHandle.current().pid(); // the JVM's first thread, alive while it runs
        Failure f = assertThrows(Failure.class, () -> CpuPinning.pin(journal, me, me, "main", "4095"));
        assertEquals(List.of(), journal.steps(), "the pin failed: no affinity to restore");
        assertEquals(true, f.getMessage().contains("taskset"), f.getMessage());
    }
}

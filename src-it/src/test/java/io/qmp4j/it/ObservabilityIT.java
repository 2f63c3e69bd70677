package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationListener;
import io.qmp4j.migration.MigrationProgress.Phase;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A control plane's view of real migrations: the JFR recording of one, and a job's listener through a cancel. */
@Timeout(120)
class ObservabilityIT extends MigrationCase {

    private VmPair pair(int rateMiBps) throws Exception {
        VmPair p = VmPair.start(qemus, resources, 256, 64, rateMiBps, b -> b, b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    private Migration.Builder migration(VmPair p) {
        return Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.unix(qemus.dir().resolve("mig.sock")));
    }

    @Test
    void aMigrationsJfrRecordingHoldsTheJobItsPhasesJournalStepsAndCommands() throws Exception {
        VmPair p = pair(8);
        Path file = qemus.dir().resolve("migration.jfr");
        String job;
        try (Recording r = new Recording()) {
            for (String e : List.of("io.qmp4j.Migration", "io.qmp4j.MigrationPhase", "io.qmp4j.JournalStep", "io.qmp4j.Command")) {
                r.enable(e);
            }
            r.start();
            MigrationHandle h = migration(p).build().start();
            job = h.job();
            assertEquals(MigrationResult.Outcome.COMPLETED, h.completion().get(60, TimeUnit.SECONDS).outcome());
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        RecordedEvent whole = only(events, "io.qmp4j.Migration");
        assertEquals(job, whole.getString("job"));
        assertEquals("COMPLETED", whole.getString("outcome"));
        assertEquals(p.src.endpoint().toString(), whole.getString("source"));
        List<String> phases = events.stream().filter(e -> named(e, "io.qmp4j.MigrationPhase"))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime)).map(e -> e.getString("phase")).toList();
        assertEquals(List.of("PREFLIGHT", "SETUP", "MIGRATING"), phases.subList(0, 3), phases.toString());
        assertTrue(phases.contains("SWITCHOVER") && !phases.contains("DONE"), phases.toString());
        assertTrue(events.stream().anyMatch(e -> named(e, "io.qmp4j.JournalStep") && "recorded".equals(e.getString("action"))
                && "source".equals(e.getString("side"))), "the job's journal steps are there");
        RecordedEvent migrate = events.stream().filter(e -> named(e, "io.qmp4j.Command") && "migrate".equals(e.getString("command")))
                .findFirst().orElseThrow();
        assertEquals("ok", migrate.getString("outcome"));
        assertEquals(p.src.endpoint().toString(), migrate.getString("endpoint"));
        System.out.printf("JFR: the job took %d ms in %d phases; %d QMP commands, %d journal steps recorded%n",
                whole.getDuration().toMillis(), phases.size(), events.stream().filter(e -> named(e, "io.qmp4j.Command")).count(),
                events.stream().filter(e -> named(e, "io.qmp4j.JournalStep")).count());
    }

    @Test
    void aCancelledJobsListenerHearsItsPhasesTheStepsUndoneAndTheEnd() throws Exception {
        VmPair p = pair(16);
        List<String> heard = new CopyOnWriteArrayList<>();
        MigrationListener l = new MigrationListener() {
            @Override
            public void phaseChanged(String job, Phase from, Phase to) {
                heard.add("phase " + to);
            }

            @Override
            public void stepRecorded(String job, String side, String what) {
                heard.add("recorded " + side + " " + what);
            }

            @Override
            public void stepUndone(String job, String done) {
                heard.add("undone " + done);
            }

            @Override
            public void finished(String job, MigrationResult result, Throwable failure) {
                heard.add("finished " + result.outcome() + " " + (failure instanceof MigrationException));
            }
        };
        MigrationHandle h = migration(p).bandwidthMiBps(4).listener(l).build().start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (h.progress().transferredBytes() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        MigrationException e = failure(h.cancel());
        assertEquals(MigrationResult.Outcome.CANCELLED, e.result().outcome());
        List<String> phases = heard.stream().filter(s -> s.startsWith("phase")).toList();
        assertEquals(List.of("phase PREFLIGHT", "phase SETUP", "phase MIGRATING", "phase ROLLING_BACK", "phase DONE"), phases);
        long recorded = heard.stream().filter(s -> s.startsWith("recorded")).count();
        long undone = heard.stream().filter(s -> s.startsWith("undone")).count();
        assertTrue(recorded > 0 && undone > 0, heard.toString());
        List<String> undoneTexts = heard.stream().filter(s -> s.startsWith("undone ")).map(s -> s.substring(7)).toList();
        assertTrue(e.result().rolledBack().containsAll(undoneTexts), "each journal step undone is in the result too: "
                + undoneTexts + " in " + e.result().rolledBack());
        assertEquals("finished CANCELLED true", heard.get(heard.size() - 1), "the end, last: " + heard);
    }

    private static boolean named(RecordedEvent e, String name) {
        return e.getEventType().getName().equals(name);
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name) {
        List<RecordedEvent> found = events.stream().filter(e -> named(e, name)).toList();
        assertEquals(1, found.size(), name + ": " + found);
        return found.get(0);
    }
}

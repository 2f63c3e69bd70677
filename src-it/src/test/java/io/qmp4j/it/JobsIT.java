package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.migration.AttachedJob;
import io.qmp4j.migration.JobInfo;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Jobs that end early: Ctrl-C or SIGTERM to the CLI at each phase (the job is cancelled and
 * undone, or finished past the point of no return), and the process driving a job killed at each
 * phase, then a new process that attaches and finishes or aborts it. Copy-storage throughout: the
 * flow with the most to undo. After each, the VM runs on exactly one side, nothing of qmp4j's is
 * left, and the VM can be migrated again.
 */
@Timeout(240)
class JobsIT extends MigrationCase {

    private Path srcImg;
    private VmPair pair;

    private VmPair start() throws Exception {
        srcImg = qemus.dir().resolve("src.qcow2");
        diskImages(srcImg, qemus.dir().resolve("dst.qcow2"), "128M", "write -P 0x3d 0 64M", "write -P 0x4e 100M 8M");
        pair = diskPair(srcImg, qemus.dir().resolve("dst.qcow2"));
        return pair;
    }

    private String[] migrate(String... extra) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of("migrate", "--source", pair.sourceMonitor2().toString(), "--dest",
                pair.destinationMonitor2().toString(), "--uri", "tcp:127.0.0.1:" + LoopbackPorts.freePair(), "--copy-storage-all"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @ParameterizedTest(name = "{1} during {0}")
    @CsvSource({"setup, INT", "disks, INT", "active, TERM", "switchover, INT"})
    void ctrlCCancelsAndUndoesOrFinishesPastTheSwitchover(String phase, String signal) throws Exception {
        VmPair p = start();
        String srcBefore = settings(p.src);
        String dstBefore = settings(p.dst);
        String[] args = switch (phase) {
            case "disks" -> migrate("--copy-storage-speed", "8");
            case "active" -> migrate("--bandwidth", "8");
            default -> migrate();
        };
        try (CliProcess cli = CliProcess.start(args)) {
            cli.awaitLine(l -> l.startsWith(phase), Duration.ofSeconds(60));
            cli.signal(signal);
            int exit = cli.awaitExit(Duration.ofSeconds(60));
            System.out.printf("%s during %s: exit %d; %s%n", signal, phase, exit, cli.err());
            if (phase.equals("switchover")) {
                assertEquals(0, exit, "past the point of no return the migration finishes: " + cli.err());
                assertTrue(cli.err().contains("finishing the migration"), cli.err());
                assertGuestHealthyOn(p);
                assertNothingOfOurs(p.src, p.dst);
                return;
            }
            assertEquals(signal.equals("INT") ? 130 : 143, exit, cli.out() + cli.err());
            assertTrue(cli.err().contains("cancelled; undid"), cli.err());
        }
        assertSourceRunningAndTicking(p);
        assertEquals(srcBefore, settings(p.src), "every parameter and capability restored on the source");
        boolean flowed = phase.equals("active");
        if (flowed) {
            assertTrue(p.destination.awaitExit(Duration.ofSeconds(15)), "the destination, which had part of the state, is gone");
            assertNothingOfOurs(p.src, null);
        } else {
            assertEquals(RunState.INMIGRATE, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "still waiting");
            assertEquals(dstBefore, settings(p.dst), "the destination is as it was");
            assertNothingOfOurs(p.src, p.dst);
        }
        migrateAgain(p, flowed);
    }

    @ParameterizedTest(name = "killed during {0}")
    @CsvSource({"setup", "disks", "active"})
    void aJobWhoseProcessWasKilledIsAbortedByAnother(String phase) throws Exception {
        VmPair p = start();
        String srcBefore = settings(p.src);
        killAt(phase, phase.equals("active") ? migrate("--bandwidth", "8") : migrate("--copy-storage-speed", "8"));
        AttachedJob job = Migration.attach(p.src, p.dst).get(30, TimeUnit.SECONDS);
        JobInfo info = job.info();
        System.out.println("found after kill -9 during " + phase + ": " + info.state() + " job " + info.job() + ", to undo "
                + info.pendingUndo());
        assertTrue(job.found(), "the record was written before the first change, and the kill came after the 'setup' line");
        assertEquals(phase.equals("active") ? JobInfo.State.RUNNING : JobInfo.State.LEFT_OVER, info.state());
        assertEquals(java.util.Optional.of(false), info.ownerAlive(), "its process is gone");
        if (!phase.equals("setup")) {
            assertFalse(info.pendingUndo().isEmpty()); // in set-up the kill may come before the first change
        }
        MigrationResult r = job.abort().get(60, TimeUnit.SECONDS);
        System.out.println("aborted: " + r.rolledBack() + (r.notUndone().isEmpty() ? "" : " NOT: " + r.notUndone()));
        assertEquals(MigrationResult.Outcome.CANCELLED, r.outcome());
        assertEquals(List.of(), r.notUndone());
        assertSourceRunningAndTicking(p);
        assertEquals(srcBefore, settings(p.src));
        boolean flowed = phase.equals("active");
        assertNothingOfOurs(p.src, flowed ? null : p.dst);
        migrateAgain(p, flowed);
    }

    @ParameterizedTest(name = "died at {0}")
    @CsvSource({"pre-switchover", "completed"}) // QAPI values: MigrationStatus.of reads them
    void aJobWhoseProcessDiedAtTheSwitchoverIsEndedByAnother(MigrationStatus at) throws Exception {
        VmPair p = start();
        String srcBefore = settings(p.src);
        // The SDK's listener runs on the job's own thread: closing both monitors from it is the
        // process dying exactly there (the source waiting at pre-switchover, or QEMU done and
        // nothing finished): QEMU sees the monitors close, and nothing more is sent.
        AtomicBoolean died = new AtomicBoolean();
        var h = Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair()))
                .storage(Storage.copyAll()).progressListener(pr -> {
                    if (pr.phase() == MigrationProgress.Phase.SWITCHOVER && pr.status() == at && died.compareAndSet(false, true)) {
                        p.src.close();
                        p.dst.close();
                    }
                }).build().start();
        failure(h.completion(), 60);
        assertTrue(died.get());
        QmpClient src = connect(p.sourceMonitor2());
        QmpClient dst = connect(p.destinationMonitor2());
        AttachedJob job = Migration.attach(src, dst).get(30, TimeUnit.SECONDS);
        System.out.println("found after dying at " + at + ": " + job.info().state() + ", source " + job.info().sourceRunState());
        assertEquals(at == MigrationStatus.COMPLETED ? JobInfo.State.COMPLETED : JobInfo.State.PAUSED_BEFORE_SWITCHOVER,
                job.info().state());
        MigrationResult r = job.abort().get(60, TimeUnit.SECONDS);
        System.out.println("ended: " + r.outcome() + " " + r.rolledBack());
        assertEquals(List.of(), r.notUndone());
        if (at == MigrationStatus.COMPLETED) {
            assertEquals(MigrationResult.Outcome.COMPLETED, r.outcome(), "a completed job is finished, not aborted");
            assertTrue(r.rolledBack().stream().anyMatch(l -> l.contains("finished it instead")), r.rolledBack().toString());
            assertEquals(RunState.RUNNING, dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "the VM runs there");
            VmPair.awaitTicks(dst, VmPair.status(dst).ticks() + 1);
            assertEquals(srcBefore, settings(src), "the source's settings are restored too");
            assertNothingOfOurs(src, dst);
            src.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
            dst.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
            assertTrue(p.source.awaitExit(Duration.ofSeconds(15)) && p.destination.awaitExit(Duration.ofSeconds(15)));
            runTool("qemu-img", "compare", "-q", srcImg.toString(), qemus.dir().resolve("dst.qcow2").toString());
            return;
        }
        assertEquals(MigrationResult.Outcome.CANCELLED, r.outcome());
        assertEquals(RunState.RUNNING, src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "the guest is not left frozen");
        VmPair.awaitTicks(src, VmPair.status(src).ticks() + 1);
        assertEquals(srcBefore, settings(src));
        assertNothingOfOurs(src, null);
        assertTrue(p.destination.awaitExit(Duration.ofSeconds(15)), "the destination, which had the state, is gone");
    }

    @Test
    void domjobinfoAndDomjobabortFromTheCommandLine() throws Exception {
        VmPair p = start();
        killAt("active", migrate("--bandwidth", "8"));
        String s = pair.sourceMonitor2().toString();
        String d = pair.destinationMonitor2().toString();
        Cli.Run info = Cli.run("domjobinfo", "--source", s, "--dest", d);
        System.out.println(info.out());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("State:            running") && info.out().contains("no longer running"), info.out());
        Cli.Run busy = Cli.run(migrate());
        assertEquals(2, busy.exit(), "a second migrate of a migrating VM is refused: " + busy.err());
        assertTrue(busy.err().contains("domjobabort"), busy.err());
        Cli.Run abort = Cli.run("domjobabort", "--source", s, "--dest", d);
        System.out.println(abort.out());
        assertEquals(0, abort.exit(), abort.out() + abort.err());
        assertTrue(abort.out().contains("aborted"), abort.out());
        assertSourceRunningAndTicking(p);
        assertEquals(1, Cli.run("domjobabort", "--source", s).exit(), "nothing left to abort");
        assertEquals(MigrationStatus.CANCELLED, p.src.execute(new QueryMigrate()).get(5, TimeUnit.SECONDS).status());
    }

    /** Runs {@code qmp4j migrate} and kills it with SIGKILL when it prints the first line of {@code phase}. */
    private static void killAt(String phase, String... args) throws Exception {
        try (CliProcess cli = CliProcess.start(args)) {
            cli.awaitLine(l -> l.startsWith(phase), Duration.ofSeconds(60));
            cli.signal("KILL");
            cli.awaitExit(Duration.ofSeconds(10));
        }
    }

    /** A new copy-storage migration of the same VM succeeds, to the same destination or (when it is gone) a new one. */
    private void migrateAgain(VmPair p, boolean newDestination) throws Exception {
        Path dstImg = qemus.dir().resolve(newDestination ? "dst2.qcow2" : "dst.qcow2");
        if (newDestination) {
            runTool("qemu-img", "create", "-q", "-f", "qcow2", dstImg.toString(), "128M");
        }
        VmPair q = newDestination ? p.withNewDestination("dst2", b -> b.args("-blockdev", "driver=file,filename=" + dstImg
                + ",node-name=f", "-blockdev", "driver=qcow2,file=f,node-name=d", "-device", "virtio-blk-pci,drive=d,id=vblk0")) : p;
        pairs.add(q);
        MigrationResult r = Migration.builder().source(q.src).destination(q.dst).uri(MigrationUri.tcp("127.0.0.1",
                LoopbackPorts.freePair())).storage(Storage.copyAll()).build().start().completion().get(120, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertGuestHealthyOn(q);
        q.src.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
        q.dst.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
        assertTrue(q.source.awaitExit(Duration.ofSeconds(15)) && q.destination.awaitExit(Duration.ofSeconds(15)));
        runTool("qemu-img", "compare", "-q", srcImg.toString(), dstImg.toString());
    }
}

package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.MigrateCancel;
import io.qmp4j.core.qapi.QueryMigrateParameters;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.qapi.Stop;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationLimits;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.PreflightException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Settings made beforehand hold, and what hostile testing of the first engine found: a job never
 * quits a QEMU that was not its incoming one, never kills a destination over a set-up error, never
 * touches a VM another job is migrating, refuses before any change what a QEMU's schema cannot
 * take, keeps a VM paused that an operator paused, and calls a cancel by another client a cancel.
 */
@Timeout(180)
class SafetyIT extends MigrationCase {

    private static final ObjectMapper M = new ObjectMapper();

    private VmPair pair(int ramMiB, int workingSetMiB, int rateMiBps) throws Exception {
        // The guest writes its whole working set first: a migration then has all of it to move.
        VmPair p = VmPair.start(qemus, resources, ramMiB, workingSetMiB, rateMiBps, true, b -> b, b -> b, b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    private static MigrationUri tcp() throws Exception {
        return MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair());
    }

    private static void awaitUnderWay(MigrationHandle h) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(h.progress().phase() == MigrationProgress.Phase.MIGRATING && h.progress().transferredBytes() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(h.progress().transferredBytes() > 0, "the migration is under way: " + h.progress());
    }

    @Test
    void theGuidesOrderLimitsFirstThenMigrateKeepsTheLimits() throws Exception {
        VmPair p = pair(512, 64, 4);
        String src = p.sourceMonitor2().toString();
        assertEquals(0, Cli.run("migrate-setmaxdowntime", "--qmp", src, "500").exit());
        assertEquals(0, Cli.run("migrate-setspeed", "--qmp", src, "--bandwidth", "24").exit());
        String uri = "tcp:127.0.0.1:" + LoopbackPorts.freePair();
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> Cli.run("migrate", "--source", src, "--dest",
                p.destinationMonitor2().toString(), "--uri", uri, "--json"));
        int samples = 0;
        while (!run.isDone()) {
            if (p.src.execute(new io.qmp4j.core.qapi.QueryMigrate()).get(5, TimeUnit.SECONDS).status()
                    == io.qmp4j.core.qapi.MigrationStatus.ACTIVE) {
                var params = p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
                assertEquals(24L << 20, params.maxBandwidth(), "the user's bandwidth while the migration runs");
                assertEquals(500L, params.downtimeLimit(), "the user's downtime limit while the migration runs");
                samples++;
            }
            Thread.sleep(100);
        }
        Cli.Run r = run.get(120, TimeUnit.SECONDS);
        assertEquals(0, r.exit(), r.err());
        assertTrue(samples > 0, "sampled while active");
        JsonNode j = M.readTree(r.out());
        assertEquals(24L << 20, j.get("bandwidth").asLong());
        assertEquals("source-setting", j.get("bandwidth-from").asText());
        assertEquals(500, j.get("downtime-limit-ms").asInt());
        assertEquals("source-setting", j.get("downtime-limit-from").asText());
        assertGuestHealthyOn(p);
        assertEquals(24L << 20, p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS).maxBandwidth(), "still the user's");
    }

    @Test
    void qemusOwnDefaultBandwidthIsLiftedAndSaidSo() throws Exception {
        VmPair p = pair(256, 16, 4);
        MigrationResult r = Migration.builder().source(p.src).destination(p.dst).uri(tcp()).build().start().completion()
                .get(60, TimeUnit.SECONDS);
        assertEquals(MigrationLimits.Origin.DEFAULT_LIFTED, r.limits().bandwidthOrigin());
        assertEquals(Migration.UNLIMITED_BANDWIDTH, r.limits().bandwidth());
        assertEquals(128L << 20, p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS).maxBandwidth(), "restored");
    }

    @OneQemu("the SDK's rule for what it may quit, decided before any QEMU-specific step")
    @Test
    void unsafeNeverQuitsOrStopsAQemuThatWasNotWaitingForThisJob() throws Exception {
        VmPair p = pair(256, 16, 4);
        String before = settings(p.src);
        // The destination is a second monitor of the source itself: a running VM.
        QmpClient self = connect(p.sourceMonitor2());
        MigrationException e = failure(Migration.builder().source(p.src).destination(self).uri(tcp()).unsafe().build().start()
                .completion());
        System.out.println("unsafe, destination = the source: " + e.getMessage());
        assertEquals(FailureKind.COMMAND_FAILED, e.result().failure().orElseThrow());
        assertSourceRunningAndTicking(p);
        assertEquals(before, settings(p.src));
        assertNothingOfOurs(p.src, null);
        // A running VM started without -incoming.
        VmPair q = VmPair.start(qemus, resources, 256, 16, 4, b -> b, b -> b, b -> b.incomingDefer(false));
        pairs.add(q);
        failure(Migration.builder().source(q.src).destination(q.dst).uri(tcp()).unsafe().build().start().completion());
        assertTrue(q.destination.isAlive(), "the running VM was not told to quit");
        assertEquals(RunState.RUNNING, q.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void aSetUpFailureLeavesTheDestinationWaitingForARetry() throws Exception {
        VmPair p = pair(256, 16, 4);
        String dstBefore = settings(p.dst);
        int port = LoopbackPorts.freePair();
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            MigrationException e = failure(Migration.builder().source(p.src).destination(p.dst)
                    .uri(MigrationUri.tcp("127.0.0.1", port)).build().start().completion());
            System.out.println("port in use: " + e.getMessage() + "; not undone: " + e.result().notUndone());
            assertTrue(taken.isBound());
            if (onQemu10()) {
                // 10.0 stays in the incoming state 'setup' after a failed migrate-incoming and refuses
                // every later one: the job says so, and the next job's pre-flight refuses the QEMU.
                assertTrue(e.result().notUndone().stream().anyMatch(n -> n.contains("cannot take another incoming migration")),
                        e.result().notUndone().toString());
                PreflightException retry = (PreflightException) failure(Migration.builder().source(p.src).destination(p.dst)
                        .uri(tcp()).build().start().completion(), 30);
                assertTrue(retry.getMessage().contains("state 'setup'") && retry.getMessage().contains("start a new destination"),
                        retry.getMessage());
                assertTrue(p.destination.isAlive(), "the destination was not killed");
                assertEquals(dstBefore, settings(p.dst), "and is as it was");
                assertNothingOfOurs(p.src, p.dst);
                return;
            }
            assertTrue(e.result().notUndone().isEmpty(), e.result().notUndone().toString());
        }
        MigrationException e2 = failure(Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.unix(qemus.dir().resolve("no-such-dir").resolve("m.sock"))).build().start().completion());
        System.out.println("missing directory: " + e2.getMessage());
        assertTrue(p.destination.isAlive(), "the destination was not killed");
        assertEquals(RunState.INMIGRATE, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertEquals(dstBefore, settings(p.dst), "and is as it was");
        assertNothingOfOurs(p.src, p.dst);
        MigrationResult r = Migration.builder().source(p.src).destination(p.dst).uri(tcp()).build().start().completion()
                .get(60, TimeUnit.SECONDS);
        assertTrue(r.succeeded(), "the same destination takes the retry");
        assertGuestHealthyOn(p);
    }

    @Test
    void aSecondMigrationOfAMigratingSourceIsRefusedAndChangesNothing() throws Exception {
        VmPair p = pair(512, 64, 4);
        MigrationHandle first = Migration.builder().source(p.src).destination(p.dst).uri(tcp()).bandwidthMiBps(8).build().start();
        awaitUnderWay(first);
        VmPair other = p.withNewDestination("dst2", b -> b);
        pairs.add(other);
        QmpClient src2 = connect(p.sourceMonitor2());
        PreflightException e = (PreflightException) failure(Migration.builder().source(src2).destination(other.dst).uri(tcp())
                .bandwidthMiBps(1024).unsafe().build().start().completion(), 30);
        System.out.println("second migration: " + e.problems());
        assertTrue(e.problems().stream().anyMatch(s -> s.contains("already migrating")), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(s -> s.contains("job " + first.job())), e.problems().toString());
        assertEquals(8L << 20, p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS).maxBandwidth(),
                "the running migration's bandwidth is untouched");
        assertEquals(RunState.INMIGRATE, other.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(),
                "the second destination is untouched");
        src2.close(); // QEMU serves one client per monitor: the CLI takes the second one now
        Cli.Run cli = Cli.run("migrate", "--source", p.sourceMonitor2().toString(), "--dest", other.destinationMonitor2().toString(),
                "--uri", "tcp:127.0.0.1:" + LoopbackPorts.freePair());
        assertEquals(2, cli.exit(), cli.err());
        assertTrue(cli.err().contains(first.job()) && cli.err().contains("domjobabort"), cli.err());
        failure(first.cancel());
        assertSourceRunningAndTicking(p);
    }

    @Test
    void whatTheSchemaCannotTakeIsRefusedBeforeAnyChange() throws Exception {
        VmPair p = pair(256, 16, 4);
        String before = settings(p.dst);
        Cli.Run r = Cli.run("migrate", "--source", p.sourceMonitor2().toString(), "--dest", p.destinationMonitor2().toString(),
                "--uri", "tcp:127.0.0.1:" + LoopbackPorts.freePair(), "--compressed", "--comp-method", "zstd");
        System.out.println("compress-method on upstream QEMU: " + r.err());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("compress-method"), r.err());
        assertEquals(RunState.INMIGRATE, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertEquals(before, settings(p.dst), "nothing was changed on the destination");
        assertNothingOfOurs(p.src, p.dst);
    }

    @Test
    void aVmAnOperatorPausedMidwayStaysPaused() throws Exception {
        VmPair p = pair(512, 64, 4);
        MigrationHandle h = Migration.builder().source(p.src).destination(p.dst).uri(tcp()).bandwidthMiBps(16).build().start();
        awaitUnderWay(h);
        connect(p.sourceMonitor2()).execute(new Stop()).get(5, TimeUnit.SECONDS);
        MigrationResult r = h.completion().get(120, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertEquals(RunState.PAUSED, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(),
                "the operator's pause holds on the destination");
    }

    @Test
    void aCancelByAnotherClientIsReportedAsACancel() throws Exception {
        VmPair p = pair(512, 64, 4);
        MigrationHandle h = Migration.builder().source(p.src).destination(p.dst).uri(tcp()).bandwidthMiBps(8).build().start();
        awaitUnderWay(h);
        connect(p.sourceMonitor2()).execute(new MigrateCancel()).get(5, TimeUnit.SECONDS);
        MigrationException e = failure(h.completion());
        System.out.println("cancelled elsewhere: " + e.getMessage());
        assertEquals(MigrationResult.Outcome.CANCELLED, e.result().outcome());
        assertEquals(FailureKind.CANCELLED_ELSEWHERE, e.result().failure().orElseThrow());
        assertSourceRunningAndTicking(p);
        assertNothingOfOurs(p.src, null);
    }

    @Test
    void theSuspendActionsPauseIsReportedBesideQemusDowntime() throws Exception {
        VmPair p = pair(256, 48, 64);
        Cli.Run r = Cli.run("migrate", "--source", p.sourceMonitor2().toString(), "--dest", p.destinationMonitor2().toString(),
                "--uri", "tcp:127.0.0.1:" + LoopbackPorts.freePair(), "--bandwidth", "16", "--timeout", "1");
        System.out.println(r.out());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("the guest was paused for") && r.out().contains("suspend"), r.out());
        assertGuestHealthyOn(p);
    }

    @OneQemu("the CLI's progress lines: formatting of figures any QEMU gives")
    @Test
    void progressLinesDoNotRepeatAndTheDirtyRateIsShown() throws Exception {
        VmPair p = pair(512, 128, 16);
        Cli.Run r = Cli.run("migrate", "--source", p.sourceMonitor2().toString(), "--dest", p.destinationMonitor2().toString(),
                "--uri", "tcp:127.0.0.1:" + LoopbackPorts.freePair(), "--bandwidth", "32");
        assertEquals(0, r.exit(), r.err());
        java.util.List<String> lines = r.out().lines().toList();
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(!lines.get(i).equals(lines.get(i - 1)), "line repeated: " + lines.get(i));
        }
        assertEquals(1, lines.stream().filter(l -> l.equals("switchover")).count(), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches(".*dirty [1-9][0-9]* MiB/s.*")), "a dirty rate is shown: " + r.out());
    }
}

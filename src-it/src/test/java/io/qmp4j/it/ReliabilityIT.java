package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryMigrateParameters;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.migration.DestinationPolicy;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import io.qmp4j.core.qapi.Quit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Network interruptions between two real QEMUs, played by a loopback proxy of the test's own on
 * the migration stream, and on the NBD stream of a copy-storage migration: a short stall is
 * ridden out, a long one is taken for a broken link (cancelled after the stall timeout), a reset
 * fails the migration; the source keeps running, and nothing of the copy is left on it.
 */
@Timeout(180)
class ReliabilityIT extends MigrationCase {

    private VmPair pair() throws Exception {
        VmPair p = VmPair.start(qemus, resources, 512, 384, 8, true, b -> b, b -> b, b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 2);
        return p;
    }

    /** A migration through the proxy, slow enough (64 MiB/s for ~384 MiB) to be interrupted; returns once 32 MiB went. */
    private static MigrationHandle start(VmPair p, SniffingProxy proxy, int listenPort, Duration stall) throws Exception {
        return startAndAwait(Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.tcp("127.0.0.1", proxy.port())).listenUri(MigrationUri.tcp("127.0.0.1", listenPort))
                .bandwidthMiBps(64).stallTimeout(stall).pollInterval(Duration.ofMillis(100)),
                pr -> pr.phase() == MigrationProgress.Phase.MIGRATING && pr.transferredBytes() > 32L << 20);
    }

    /** Starts the migration and returns once its progress shows it under way (within 30 s). */
    private static MigrationHandle startAndAwait(Migration.Builder b, java.util.function.Predicate<MigrationProgress> underWay)
            throws Exception {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        MigrationHandle h = b.progressListener(pr -> {
            if (underWay.test(pr)) {
                reached.complete(null);
            }
        }).build().start();
        reached.get(30, TimeUnit.SECONDS);
        return h;
    }

    private static void assertSourceRunsAsBefore(VmPair p, MigrationParameters before) throws Exception {
        assertEquals(RunState.RUNNING, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "the source runs");
        VmPair.awaitTicks(p.src, VmPair.status(p.src).ticks() + 1);
        assertEquals(before, p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS), "parameters restored");
    }

    @Test
    void aShortStallIsRiddenOut() throws Exception {
        VmPair p = pair();
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port, "-")) {
            MigrationHandle h = start(p, proxy, port, Duration.ofSeconds(20));
            proxy.stall();
            Thread.sleep(3000);
            long during = h.progress().transferredBytes();
            proxy.resume();
            MigrationResult r = h.completion().get(60, TimeUnit.SECONDS);
            System.out.printf("3 s stall ridden out: %d MiB sent before it ended, total %d ms%n", during >> 20, r.totalTime().toMillis());
            assertTrue(r.succeeded());
            assertTrue(r.totalTime().toMillis() > 3000, "the stall is in the total time: " + r.totalTime());
            assertEquals(RunState.RUNNING, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
            VmPair.awaitTicks(p.dst, VmPair.status(p.dst).ticks() + 1);
        }
    }

    @Test
    void aStallLongerThanTheStallTimeoutIsCancelledAndTheSourceRuns() throws Exception {
        VmPair p = pair();
        MigrationParameters before = p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port, "-")) {
            MigrationHandle h = start(p, proxy, port, Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            proxy.stall();
            MigrationException e = migrationFailure(h.completion(), 60);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("stalled for good, failed after " + ms + " ms: " + e.getMessage());
            assertEquals(MigrationResult.Outcome.FAILED, e.result().outcome());
            assertEquals("Stalled", e.result().errorClass().orElseThrow());
            assertTrue(e.getMessage().contains("sent nothing for 2 s"), e.getMessage());
            assertTrue(ms < 15_000, "detected within the stall timeout plus the rollback: " + ms + " ms");
            assertSourceRunsAsBefore(p, before);
        }
    }

    @Test
    void aConnectionResetFailsTheMigrationAndTheSourceRuns() throws Exception {
        VmPair p = pair();
        MigrationParameters before = p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port, "-")) {
            MigrationHandle h = start(p, proxy, port, Duration.ofSeconds(20));
            proxy.reset();
            MigrationException e = migrationFailure(h.completion(), 60);
            System.out.println("connection reset: " + e.getMessage());
            assertEquals(MigrationResult.Outcome.FAILED, e.result().outcome());
            assertSourceRunsAsBefore(p, before);
        }
    }

    /**
     * QEMU 7.2 exits when its incoming migration fails; 9.1 and newer, asked with
     * {@code exit-on-error: false}, keep running and say why: the job adds the destination's
     * reason to its message, then quits it ({@code QUIT}) or leaves it for inspection
     * ({@code KEEP}), with nothing of the job's left on it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DestinationPolicy.class)
    void aFailedIncomingMigrationIsExplainedAndTheDestinationEndsAsThePolicySays(DestinationPolicy policy) throws Exception {
        VmPair p = pair();
        MigrationParameters before = p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port, "-")) {
            MigrationHandle h = startAndAwait(Migration.builder().source(p.src).destination(p.dst).onFailure(policy)
                    .uri(MigrationUri.tcp("127.0.0.1", proxy.port())).listenUri(MigrationUri.tcp("127.0.0.1", port))
                    .bandwidthMiBps(64).pollInterval(Duration.ofMillis(100)),
                    pr -> pr.phase() == MigrationProgress.Phase.MIGRATING && pr.transferredBytes() > 32L << 20);
            proxy.reset();
            MigrationException e = migrationFailure(h.completion(), 60);
            System.out.println("incoming failed, " + policy + ": " + e.getMessage() + "; undone: " + e.result().rolledBack());
            assertSourceRunsAsBefore(p, before);
            boolean keptRunning = onQemu10() && policy == DestinationPolicy.KEEP;
            assertEquals(onQemu10(), e.getMessage().contains("the destination says:"), e.getMessage());
            assertEquals(!keptRunning, p.destination.awaitExit(Duration.ofSeconds(10)), "the destination "
                    + (keptRunning ? "keeps running (exit-on-error off, KEEP)" : "has exited (7.2 by itself, 10.0 told to quit)"));
            if (keptRunning) {
                assertEquals(MigrationStatus.FAILED, p.dst.execute(new QueryMigrate()).get(5, TimeUnit.SECONDS).status());
                assertNoSdkObjects(p.dst);
            }
        }
    }

    // ------------------------------------------------------------------ the NBD stream (copy-storage)

    private record DiskPair(VmPair vms, Path src, Path dst) {
    }

    /** A guest with a 128 MiB qcow2 disk holding 96 MiB of data, and an empty image for the destination. */
    private DiskPair nbdDiskPair() throws Exception {
        Path src = qemus.dir().resolve("nbd-src.qcow2");
        Path dst = qemus.dir().resolve("nbd-dst.qcow2");
        diskImages(src, dst, "128M", "write -P 0x5a 0 96M");
        return new DiskPair(diskPair(src, dst), src, dst);
    }

    /**
     * A copy-storage migration whose NBD stream goes through the proxy: the destination's NBD
     * server listens on {@code port + 1}, the source connects to the proxy. Mirrors at 24 MiB/s
     * (~4 s for the disk); returns once 16 MiB went through.
     */
    private static MigrationHandle startCopy(VmPair p, SniffingProxy nbdProxy, int port, Duration stall) throws Exception {
        return startAndAwait(Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.tcp("127.0.0.1", port))
                .storage(Storage.copyAll().mirrorSpeed(24L << 20).nbd(MigrationUri.tcp("127.0.0.1", nbdProxy.port()))
                        .nbdListen(MigrationUri.tcp("127.0.0.1", port + 1)))
                .stallTimeout(stall).pollInterval(Duration.ofMillis(100)),
                pr -> pr.phase() == MigrationProgress.Phase.STORAGE
                        && pr.disks().stream().mapToLong(d -> d.copiedBytes()).sum() > 16L << 20);
    }

    @Test
    void aShortStallOfTheDiskCopyIsRiddenOut() throws Exception {
        DiskPair d = nbdDiskPair();
        VmPair p = d.vms();
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port + 1, "-")) {
            long t0 = System.nanoTime();
            MigrationHandle h = startCopy(p, proxy, port, Duration.ofSeconds(20));
            proxy.stall();
            Thread.sleep(3000);
            proxy.resume();
            MigrationResult r = h.completion().get(90, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("3 s stall of the NBD stream ridden out: done after %d ms, %d MiB through the proxy%n",
                    ms, proxy.bytes() >> 20);
            assertTrue(ms > 3000, "the stall is in the time taken: " + ms + " ms");
            assertTrue(r.succeeded());
            assertTrue(proxy.bytes() > 96L << 20, "the disk went through the proxy: " + proxy.bytes());
            assertEquals(RunState.RUNNING, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
            VmPair.awaitTicks(p.dst, VmPair.status(p.dst).ticks() + 1);
            for (var c : java.util.List.of(p.src, p.dst)) {
                c.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
            }
            assertTrue(p.destination.awaitExit(Duration.ofSeconds(15)) && p.source.awaitExit(Duration.ofSeconds(15)));
            runTool("qemu-img", "compare", "-q", d.src().toString(), d.dst().toString());
        }
    }

    @Test
    void aDiskCopyStalledPastTheStallTimeoutIsCancelledAndTheSourceRuns() throws Exception {
        DiskPair d = nbdDiskPair();
        VmPair p = d.vms();
        MigrationParameters before = p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port + 1, "-")) {
            MigrationHandle h = startCopy(p, proxy, port, Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            proxy.stall();
            MigrationException e = migrationFailure(h.completion(), 60);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("NBD stream stalled for good, failed after " + ms + " ms: " + e.getMessage());
            assertEquals("Stalled", e.result().errorClass().orElseThrow(), e.getMessage());
            assertTrue(e.getMessage().contains("copied nothing for 2 s"), e.getMessage());
            assertTrue(e.getMessage().contains("yanked the NBD connection"), e.getMessage());
            assertTrue(ms < 15_000, "detected within the stall timeout plus the rollback: " + ms + " ms");
            assertSourceRunsAsBefore(p, before);
            assertNoStorageLeftovers(p.src, null);
        }
    }

    @Test
    void aResetOfTheDiskCopyFailsTheMigrationAndTheSourceRuns() throws Exception {
        DiskPair d = nbdDiskPair();
        VmPair p = d.vms();
        MigrationParameters before = p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port + 1, "-")) {
            MigrationHandle h = startCopy(p, proxy, port, Duration.ofSeconds(20));
            proxy.reset();
            MigrationException e = migrationFailure(h.completion(), 60);
            System.out.println("NBD connection reset: " + e.getMessage());
            assertEquals(MigrationResult.Outcome.FAILED, e.result().outcome());
            assertSourceRunsAsBefore(p, before);
            assertNoStorageLeftovers(p.src, null);
        }
    }

    @Test
    void aDroppedMonitorConnectionIsMadeAgainAndTheMigrationCompletes() throws Exception {
        int monitor = LoopbackPorts.freePair();
        VmPair p = VmPair.start(qemus, resources, 512, 384, 8, true, b -> b,
                b -> b.args("-qmp", "tcp:127.0.0.1:" + monitor + ",server=on,wait=off"), b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 2);
        try (SniffingProxy proxy = new SniffingProxy(monitor, "-")) {
            // The controller reaches the source's monitor through the proxy; the stream goes straight.
            io.qmp4j.core.QmpClient viaProxy = client(io.qmp4j.core.QmpEndpoint.tcp("127.0.0.1", proxy.port()),
                    io.qmp4j.core.QmpClient.builder().name("src-via-proxy"));
            viaProxy.connect().get(10, TimeUnit.SECONDS);
            MigrationHandle h = startAndAwait(Migration.builder().source(viaProxy).destination(p.dst)
                    .uri(MigrationUri.unix(qemus.dir().resolve("rc.sock"))).bandwidthMiBps(64).reconnect(Duration.ofSeconds(20)),
                    pr -> pr.phase() == MigrationProgress.Phase.MIGRATING && pr.transferredBytes() > 32L << 20);
            proxy.dropConnections();
            MigrationResult r = h.completion().get(120, TimeUnit.SECONDS);
            System.out.println("monitor connection dropped mid-migration: " + r.reconnects() + "; total " + r.totalTime().toMillis()
                    + " ms");
            assertEquals(1, r.reconnects().size(), r.reconnects().toString());
            assertGuestHealthyOn(p);
            assertNothingOfOurs(p.src, p.dst);
        }
    }

    @Test
    void withReconnectAQemuThatReallyDiedIsStillTakenForGoneOnceTheBoundIsOver() throws Exception {
        VmPair p = pair();
        MigrationHandle h = startAndAwait(Migration.builder().source(p.src).destination(p.dst)
                        .uri(MigrationUri.unix(qemus.dir().resolve("rd.sock"))).bandwidthMiBps(64).reconnect(Duration.ofSeconds(2)),
                pr -> pr.phase() == MigrationProgress.Phase.MIGRATING && pr.transferredBytes() > 32L << 20);
        p.destination.signal("KILL");
        long t0 = System.nanoTime();
        MigrationException e = migrationFailure(h.completion(), 60);
        System.out.printf("destination killed, reconnect bound 2 s: %s after %d ms%n", e.result().failure().orElseThrow(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertEquals(MigrationResult.Outcome.FAILED, e.result().outcome());
        assertEquals(RunState.RUNNING, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "the source runs");
        assertNoSdkObjects(p.src);
    }
}

package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.migration.AttachedJob;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.PostcopyReport;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.testkit.hosts.Host;
import io.qmp4j.testkit.hosts.Hosts;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.QemuBuild;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrations between hosts ({@link Hosts}: network namespaces on one migration network),
 * driven by a controller in the root namespace over each host's TLS monitor, with real link
 * faults. Each test prints its timings.
 */
class TwoHostsIT extends MigrationCase {

    private static final int MONITOR = 4440;
    private static final int MIGRATION = 4444;

    private Hosts hosts;

    @BeforeEach
    void topology() {
        String why = Hosts.unavailable();
        if (why != null) {
            System.out.println("two-host tests skipped: " + why);
        }
        assumeTrue(why == null, why);
        hosts = Hosts.create(qemus.dir().resolve("hosts"));
    }

    @AfterEach
    void removeTopology() throws Exception {
        pairs.forEach(VmPair::close);
        pairs.clear();
        qemus.close(); // the QEMUs first: a namespace goes when its last process does
        if (hosts != null) {
            hosts.close();
            assertFalse(hosts.leftBehind(), "namespaces of " + hosts.namespaces() + " left behind");
        }
    }

    private VmPair pair(int ramMiB, int workingSetMiB, int rateMiBps, UnaryOperator<QemuProcess.Builder> srcOnly,
                        UnaryOperator<QemuProcess.Builder> dstOnly) throws Exception {
        return pair(ramMiB, workingSetMiB, rateMiBps, false, srcOnly, dstOnly);
    }

    /** With {@code fill} the guest writes its whole working set first: a migration then has all of it to move. */
    private VmPair pair(int ramMiB, int workingSetMiB, int rateMiBps, boolean fill, UnaryOperator<QemuProcess.Builder> srcOnly,
                        UnaryOperator<QemuProcess.Builder> dstOnly) throws Exception {
        QemuProcess s = qemus.start(srcOnly.apply(hosts.a().onHost(TestGuest.boot(qemus.qemu("src").memoryMiB(ramMiB).paused(false),
                VmPair.cache(), workingSetMiB, rateMiBps, fill), MONITOR)));
        QemuProcess d = qemus.start(dstOnly.apply(hosts.b().onHost(TestGuest.boot(qemus.qemu("dst").memoryMiB(ramMiB).paused(false),
                VmPair.cache(), workingSetMiB, rateMiBps, fill), MONITOR).incomingDefer(true)));
        QmpClient sc = client(hosts.a().monitor(MONITOR), QmpClient.builder().name("src"));
        QmpClient dc = client(hosts.b().monitor(MONITOR), QmpClient.builder().name("dst"));
        sc.connect().get(10, TimeUnit.SECONDS);
        dc.connect().get(10, TimeUnit.SECONDS);
        VmPair p = VmPair.of(s, d, sc, dc);
        pairs.add(p);
        VmPair.awaitTicks(sc, 1);
        return p;
    }

    /** Guest {@code i} of several on host a, its destination on host {@code to}; monitors on port 4460 + i. */
    private VmPair guest(int i, int ramMiB, int rateMiBps, Host to) throws Exception {
        int port = 4460 + i;
        QemuProcess s = qemus.start(hosts.a().onHost(TestGuest.boot(qemus.qemu("src" + i).memoryMiB(ramMiB).paused(false),
                VmPair.cache(), ramMiB / 2, rateMiBps, true), port));
        QemuProcess d = qemus.start(to.onHost(TestGuest.boot(qemus.qemu("dst" + i).memoryMiB(ramMiB).paused(false),
                VmPair.cache(), ramMiB / 2, rateMiBps, true), port).incomingDefer(true));
        QmpClient sc = client(hosts.a().monitor(port), QmpClient.builder().name("src" + i));
        QmpClient dc = client(to.monitor(port), QmpClient.builder().name("dst" + i));
        sc.connect().get(10, TimeUnit.SECONDS);
        dc.connect().get(10, TimeUnit.SECONDS);
        VmPair p = VmPair.of(s, d, sc, dc);
        pairs.add(p);
        return p;
    }

    @Test
    void fourGuestsEvacuatedFromOneHostToTwoOthersTwoAtATimeUnderABudget() throws Exception {
        hosts.close();
        hosts = Hosts.create(qemus.dir().resolve("three-hosts"), 3);
        hosts.bandwidth(1000); // each host's migration link: 1 Gbit/s
        int[] rates = {32, 1, 16, 4};
        java.util.List<VmPair> vms = new java.util.ArrayList<>();
        java.util.List<Host> to = new java.util.ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            to.add(hosts.hosts().get(1 + i % 2)); // b, c, b, c
            vms.add(guest(i, 128, rates[i], to.get(i)));
        }
        for (VmPair p : vms) {
            TestGuest.awaitFilled(p.src, 64, Duration.ofSeconds(60)); // the dirty rate is measured on the steady rate, not the fill
        }
        long budget = 64L << 20;
        java.util.Map<String, Long> limits = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.List<Long> sums = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.qmp4j.migration.evacuation.Evacuation.Builder e = io.qmp4j.migration.evacuation.Evacuation.builder().maxParallel(2)
                .totalBandwidth(budget).listener(new io.qmp4j.migration.evacuation.Evacuation.Listener() {
                    @Override
                    public void bandwidth(String vm, long bandwidth) {
                        limits.put(vm, bandwidth);
                        sums.add(limits.values().stream().mapToLong(Long::longValue).sum());
                    }

                    @Override
                    public void ended(io.qmp4j.migration.evacuation.VmResult r) {
                        limits.remove(r.name());
                    }
                });
        for (int i = 0; i < vms.size(); i++) {
            e.add("vm" + i, Migration.builder().source(vms.get(i).src).destination(vms.get(i).dst)
                    .uri(MigrationUri.tcp(to.get(i).migrationAddress(), MIGRATION + 2 * i)));
        }
        io.qmp4j.migration.evacuation.EvacuationResult r = e.build().start().completion().get(240, TimeUnit.SECONDS);
        System.out.println("from host a to b and c, four guests, 2 at a time under 64 MiB/s: " + r.totalTime().toMillis() + " ms; "
                + r.results().stream().map(v -> v.name() + " " + v.outcome() + " #" + v.startedAs()).toList());
        assertTrue(r.allCompleted(), r.toString());
        assertEquals(2, r.maxRunning());
        assertColdestFirst(r);
        assertTrue(sums.stream().allMatch(x -> x <= budget), "the running limits never add up past the budget: " + sums);
        for (int i = 0; i < vms.size(); i++) {
            assertGuestHealthyOn(vms.get(i));
            assertNothingOfOurs(vms.get(i).src, vms.get(i).dst);
            assertTrue(running(to.get(i), vms.get(i).destination.pid()),
                    "vm" + i + "'s destination runs on host " + to.get(i).name());
        }
    }

    /** @return whether process {@code pid} is in host {@code h}'s network namespace */
    private static boolean running(Host h, long pid) throws Exception {
        return HostTools.run("ip", "netns", "pids", h.netns()).lines().anyMatch(l -> l.trim().equals(Long.toString(pid)));
    }

    /** Started in the order of the dirty rates measured before the start (QEMU's page sampling is coarse at low rates). */
    static void assertColdestFirst(io.qmp4j.migration.evacuation.EvacuationResult r) {
        java.util.List<Long> rates = r.results().stream().sorted(java.util.Comparator.comparingInt(
                io.qmp4j.migration.evacuation.VmResult::startedAs)).map(v -> v.dirtyRate().orElseThrow()).toList();
        System.out.println("measured dirty rates in start order (MiB/s): " + rates.stream().map(x -> x >> 20).toList());
        for (int i = 1; i < rates.size(); i++) {
            assertTrue(rates.get(i - 1) <= rates.get(i), "coldest first, by the measured rates: " + rates);
        }
    }

    private Migration.Builder migration(VmPair p) {
        return Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.tcp(hosts.b().migrationAddress(), MIGRATION));
    }

    private static UnaryOperator<QemuProcess.Builder> disk(Path image) {
        return b -> withDisk(b, image);
    }

    @Test
    void sharedStorageAcrossHostsThroughTlsMonitors() throws Exception {
        Path img = hosts.sharedDir().resolve("vm.qcow2");
        HostTools.run("qemu-img", "create", "-q", "-f", "qcow2", img.toString(), "64M");
        VmPair p = pair(256, 64, 16, disk(img), disk(img));
        MigrationResult r = migration(p).storage(Storage.shared()).build().start().completion().get(120, TimeUnit.SECONDS);
        System.out.printf("two hosts, shared storage, TLS monitors: total %d ms, downtime %d ms%n", r.totalTime().toMillis(),
                r.downtime().toMillis());
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
    }

    @Test
    void copyStorageToTheSamePathOnTheOtherHostCopiesTheDisk() throws Exception {
        // The guide's flow: the destination image "in the same disk directory on the destination host".
        Host a = hosts.a();
        Host b = hosts.b();
        diskImages(a.privateDisk("vm.qcow2"), b.privateDisk("vm.qcow2"), "64M", "write -P 0x5e 0 8M", "write -P 0xe5 40M 4M");
        VmPair p = pair(256, 64, 16, disk(a.disk("vm.qcow2")), disk(b.disk("vm.qcow2")));
        MigrationResult r = migration(p).storage(Storage.copyAll()).build().start().completion().get(180, TimeUnit.SECONDS);
        System.out.printf("two hosts, copy-storage to the same path: total %d ms, disks %s%n", r.totalTime().toMillis(), r.disks());
        assertEquals(a.disk("vm.qcow2").toString(), r.disks().get(0).destinationFile(), "the same path on the other host");
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
        p.close();
        qemus.close();
        HostTools.run("qemu-img", "compare", "-q", a.privateDisk("vm.qcow2").toString(), b.privateDisk("vm.qcow2").toString());
    }

    @Test
    void copyStorageOfATrulySharedImageIsRefusedAndUndone() throws Exception {
        Path img = hosts.sharedDir().resolve("shared.qcow2");
        HostTools.run("qemu-img", "create", "-q", "-f", "qcow2", img.toString(), "64M");
        VmPair p = pair(256, 64, 16, disk(img), disk(img));
        String before = settings(p.src);
        MigrationException e = failure(migration(p).storage(Storage.copyAll()).build().start().completion());
        System.out.println("copy-storage of a shared image: " + e.getMessage());
        assertTrue(e.getMessage().contains("the same file"), e.getMessage());
        assertSourceRunningAndTicking(p);
        assertEquals(before, settings(p.src));
        assertNothingOfOurs(p.src, p.dst);
    }

    @Test
    void tlsMultifdAcrossHosts() throws Exception {
        VmPair p = pair(256, 64, 16, b -> b, b -> b);
        MigrationResult r = migration(p).multifd(2).tls(TlsCredentials.of(hosts.a().tlsDir())
                        .directories(hosts.a().tlsDir(), hosts.b().tlsDir()).hostname(hosts.b().migrationAddress()))
                .build().start().completion().get(120, TimeUnit.SECONDS);
        System.out.printf("two hosts, TLS multifd: total %d ms, downtime %d ms%n", r.totalTime().toMillis(), r.downtime().toMillis());
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
    }

    @Test
    void aMigrationLinkOutageShorterThanTheStallTimeoutIsRiddenOut() throws Exception {
        hosts.bandwidth(200); // ~24 MiB/s: the 192 MiB the guest wrote take ~8 s
        VmPair p = pair(256, 192, 4, true, b -> b, b -> b);
        MigrationHandle h = migration(p).stallTimeout(Duration.ofSeconds(10)).build().start();
        awaitPhase(h, MigrationProgress.Phase.MIGRATING, 30);
        Thread.sleep(1500);
        hosts.migrationLink(false);
        Thread.sleep(3000);
        hosts.migrationLink(true);
        MigrationResult r = h.completion().get(180, TimeUnit.SECONDS);
        System.out.printf("migration link down 3 s: completed, total %d ms%n", r.totalTime().toMillis());
        assertGuestHealthyOn(p);
    }

    @Test
    void aMigrationLinkOutageLongerThanTheStallTimeoutCancelsAndRollsBack() throws Exception {
        hosts.bandwidth(200);
        VmPair p = pair(256, 192, 4, true, b -> b, b -> b);
        String before = settings(p.src);
        MigrationHandle h = migration(p).stallTimeout(Duration.ofSeconds(3)).build().start();
        awaitPhase(h, MigrationProgress.Phase.MIGRATING, 30);
        Thread.sleep(1500);
        hosts.migrationLink(false);
        long down = System.nanoTime();
        MigrationException e = migrationFailure(h.completion(), 60);
        System.out.printf("migration link down for good: %s after %d ms: %s%n", e.result().failure().orElseThrow(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down), e.getMessage());
        assertEquals(FailureKind.STALLED, e.result().failure().orElseThrow());
        assertSourceRunningAndTicking(p);
        assertEquals(before, settings(p.src));
        assertNoSdkObjects(p.src);
    }

    @Test
    void theControllerLosingItsManagementLinkForFiveSecondsDoesNotStopTheMigration() throws Exception {
        hosts.bandwidth(200);
        VmPair p = pair(256, 192, 4, true, b -> b, b -> b);
        MigrationHandle h = migration(p).build().start();
        awaitPhase(h, MigrationProgress.Phase.MIGRATING, 30);
        Thread.sleep(1000);
        hosts.managementLink(hosts.a(), false);
        Thread.sleep(5000);
        hosts.managementLink(hosts.a(), true);
        MigrationResult r = h.completion().get(180, TimeUnit.SECONDS);
        System.out.printf("management link of the source down 5 s: completed, total %d ms (the monitor's TCP connection"
                + " outlived the outage: %s)%n", r.totalTime().toMillis(), p.src.state());
        assertGuestHealthyOn(p);
    }

    private VmPair hotPair() throws Exception {
        hosts.bandwidth(400); // ~48 MiB/s, against a guest dirtying 256 MiB/s
        return pair(256, 128, 256, b -> b, b -> b);
    }

    @Test
    void postcopyOverABrokenLinkIsRecoveredTwiceAndCompletes() throws Exception {
        VmPair p = hotPair();
        Recoveries recoveries = new Recoveries();
        MigrationHandle h = migration(p).postcopy(Postcopy.afterPasses(1).withRetryInterval(Duration.ofMillis(500)))
                .stallTimeout(Duration.ofSeconds(2)).progressListener(recoveries).build().start();
        awaitDestinationInPostcopy(h, p);
        for (int i = 0; i < 2; i++) {
            hosts.migrationLink(false);
            Thread.sleep(5000);
            hosts.migrationLink(true);
            if (i == 0) {
                // The second break must come after the first recovery, with both QEMUs back in
                // postcopy-active: QEMU 7.2's destination crashes on a break during its
                // postcopy-recover handshake (savevm.c continues with a NULL channel), 10.0 pauses again.
                recoveries.awaitFirst(h);
                awaitDestinationInPostcopy(h, p);
                Thread.sleep(300);
            }
            if (h.completion().isDone()) {
                break;
            }
        }
        MigrationResult r = h.completion().get(120, TimeUnit.SECONDS);
        PostcopyReport pc = r.postcopy().orElseThrow();
        System.out.printf("post-copy with link breaks: total %d ms, pre-copy %d ms, %d recoveries, %d ms paused%n",
                r.totalTime().toMillis(), pc.precopyTime().toMillis(), pc.recoveries(), pc.pausedTime().toMillis());
        assertTrue(pc.recoveries() >= 1, "recovered at least once: " + pc);
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
    }

    @Test
    void postcopyRecoveryOnQemu10() throws Exception {
        // 10.0 passes through postcopy-recover-setup (new in 9.1) on its way back to postcopy-active.
        QemuBuild q10 = qemu10();
        hosts.bandwidth(400);
        VmPair p = pair(256, 128, 256, false, b -> b.build(q10), b -> b.build(q10));
        MigrationHandle h = migration(p).postcopy(Postcopy.afterPasses(1).withRetryInterval(Duration.ofMillis(500)))
                .stallTimeout(Duration.ofSeconds(2)).build().start();
        awaitDestinationInPostcopy(h, p);
        hosts.migrationLink(false);
        Thread.sleep(5000);
        hosts.migrationLink(true);
        MigrationResult r = h.completion().get(120, TimeUnit.SECONDS);
        PostcopyReport pc = r.postcopy().orElseThrow();
        System.out.printf("QEMU 10.0, post-copy with a link break: total %d ms, %d recoveries, %d ms paused%n",
                r.totalTime().toMillis(), pc.recoveries(), pc.pausedTime().toMillis());
        assertTrue(pc.recoveries() >= 1, "recovered: " + pc);
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
    }

    @Test
    void postcopyLinkNotBackInTimeLeavesItPausedThenAManualResumeCompletesIt() throws Exception {
        VmPair p = hotPair();
        MigrationUri uri = MigrationUri.tcp(hosts.b().migrationAddress(), MIGRATION);
        MigrationHandle h = migration(p).postcopy(Postcopy.afterPasses(1).withLinkWait(Duration.ofSeconds(3))
                .withRetryInterval(Duration.ofMillis(500))).stallTimeout(Duration.ofSeconds(2)).build().start();
        awaitDestinationInPostcopy(h, p);
        hosts.migrationLink(false);
        MigrationException e = migrationFailure(h.completion(), 60);
        System.out.println("post-copy, link not back in time: " + e.getMessage());
        assertEquals(FailureKind.POSTCOPY_PAUSED, e.result().failure().orElseThrow());
        assertTrue(e.result().notUndone().get(0).contains("paused in post-copy"), e.result().notUndone().toString());
        assertEquals("postcopy-paused", p.src.execute(new io.qmp4j.core.qapi.QueryMigrate()).get(5, TimeUnit.SECONDS)
                .status().value());
        hosts.migrationLink(true);
        AttachedJob job = Migration.attach(p.src, p.dst).get(30, TimeUnit.SECONDS);
        assertTrue(job.found(), "the job is found from its records");
        long t0 = System.nanoTime();
        MigrationResult r = job.resumePostcopy(uri, Duration.ofSeconds(30)).get(120, TimeUnit.SECONDS);
        System.out.printf("manual post-copy resume: completed %d ms later; %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                r.rolledBack());
        assertEquals(MigrationResult.Outcome.COMPLETED, r.outcome());
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
    }

    /**
     * The link is broken once the destination runs the VM in post-copy: broken between the
     * source's switch and the destination's receipt of the device state, the destination is still
     * in pre-copy ("active"), cannot be paused, and fails the incoming migration when the link returns.
     */
    private static void awaitDestinationInPostcopy(MigrationHandle h, VmPair p) throws Exception {
        awaitPhase(h, MigrationProgress.Phase.POSTCOPY, 60);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && p.dst.execute(new io.qmp4j.core.qapi.QueryMigrate()).get(5, TimeUnit.SECONDS)
                .status() != io.qmp4j.core.qapi.MigrationStatus.POSTCOPY_ACTIVE) {
            Thread.sleep(20);
        }
    }

    /** Counts the migration's entries into {@link MigrationProgress.Phase#POSTCOPY_RECOVERING}. */
    private static final class Recoveries implements java.util.function.Consumer<MigrationProgress> {
        private final java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();
        private volatile MigrationProgress.Phase last;

        @Override
        public void accept(MigrationProgress p) {
            if (p.phase() == MigrationProgress.Phase.POSTCOPY_RECOVERING && last != MigrationProgress.Phase.POSTCOPY_RECOVERING) {
                entered.incrementAndGet();
            }
            last = p.phase();
        }

        /** Waits for the first recovery to be over: the job has entered recovery once and is back in post-copy. */
        void awaitFirst(MigrationHandle h) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (entered.get() == 0 && !h.completion().isDone() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(entered.get() > 0 || h.completion().isDone(), "the 5 s break was noticed (stall timeout 2 s): " + h.progress());
            awaitPhase(h, MigrationProgress.Phase.POSTCOPY, 30);
        }
    }

    private static void awaitPhase(MigrationHandle h, MigrationProgress.Phase phase, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (h.progress().phase() != phase && !h.completion().isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (h.progress().phase() != phase && !h.completion().isDone()) {
            throw new AssertionError("the migration did not reach " + phase + " within " + seconds + " s: " + h.progress());
        }
    }
}

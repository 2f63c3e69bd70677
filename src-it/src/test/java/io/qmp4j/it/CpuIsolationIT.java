package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.qapi.CpuInfoFast;
import io.qmp4j.core.qapi.QueryCpusFast;
import io.qmp4j.migration.CpuIsolation;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.PreflightException;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPU isolation during a migration: QEMU's migration threads on one CPU, the vCPU threads on the
 * other while it runs (found with query-migrationthreads on 10.0, by their names on 7.2), every
 * affinity restored after; refused where qmp4j is not on the source's host.
 */
@Timeout(120)
class CpuIsolationIT extends MigrationCase {

    private static final Pattern MIGRATION_THREAD = Pattern.compile("live_migration|multifdsend_\\d+|return path|mig/src/.*");

    /** @return each thread of the process, by its name (and id), with its allowed CPUs */
    private static Map<String, String> affinities(long pid) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip();
                    String cpus = Files.readAllLines(t.resolve("status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                            .findFirst().orElseThrow().substring("Cpus_allowed_list:".length()).strip();
                    m.put(name + " #" + t.getFileName(), cpus);
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return m;
    }

    private static List<Long> vcpuThreads(QmpClient c) throws Exception {
        return c.execute(new QueryCpusFast()).get(5, TimeUnit.SECONDS).stream().map(CpuInfoFast::threadId).map(Long::valueOf).toList();
    }

    private static String cpusOf(long tid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(tid), "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow().substring(18).strip();
    }

    @Test
    void theMigrationThreadsAndTheVcpusArePinnedApartWhileItRunsAndRestoredAfter() throws Exception {
        VmPair p = VmPair.start(qemus, resources, 256, 128, 32, true, b -> b.cpus(2), b -> b, b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        List<Long> vcpus = vcpuThreads(p.src);
        String before = cpusOf(vcpus.get(0));
        CompletableFuture<Map<String, String>> during = new CompletableFuture<>();
        MigrationResult r = Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair()))
                .multifd(2).bandwidthMiBps(48).cpuIsolation(CpuIsolation.of("1", "0")).pollInterval(java.time.Duration.ofMillis(100))
                .progressListener(pr -> {
                    if (pr.phase() == MigrationProgress.Phase.MIGRATING && pr.transferredBytes() > 48L << 20 && !during.isDone()) {
                        try {
                            during.complete(affinities(p.source.pid()));
                        } catch (Exception e) {
                            during.completeExceptionally(e);
                        }
                    }
                }).build().start().completion().get(90, TimeUnit.SECONDS);
        Map<String, String> seen = during.get(1, TimeUnit.SECONDS);
        System.out.println("while migrating: " + seen);
        List<String> migration = seen.keySet().stream().filter(k -> MIGRATION_THREAD.matcher(k.substring(0, k.indexOf(" #"))).matches())
                .toList();
        assertFalse(migration.isEmpty(), "migration threads found: " + seen);
        migration.forEach(k -> assertEquals("1", seen.get(k), "migration thread " + k + " on CPU 1"));
        for (long t : vcpus) {
            assertEquals("0", seen.entrySet().stream().filter(e -> e.getKey().endsWith("#" + t)).findFirst().orElseThrow().getValue(),
                    "vCPU thread " + t + " on CPU 0");
        }
        assertGuestHealthyOn(p);
        for (long t : vcpus) {
            assertEquals(before, cpusOf(t), "vCPU thread " + t + "'s affinity restored");
        }
    }

    @Test
    void aCancelledMigrationRestoresEveryAffinityThroughItsJournal() throws Exception {
        VmPair p = VmPair.start(qemus, resources, 256, 128, 32, true, b -> b, b -> b, b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        List<Long> vcpus = vcpuThreads(p.src);
        String before = cpusOf(vcpus.get(0));
        CompletableFuture<Void> pinned = new CompletableFuture<>();
        io.qmp4j.migration.MigrationHandle h = Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair())).bandwidthMiBps(16).cpuIsolation(CpuIsolation.of("1", "0"))
                .pollInterval(java.time.Duration.ofMillis(100)).progressListener(pr -> {
                    if (pr.phase() == MigrationProgress.Phase.MIGRATING && pr.transferredBytes() > 8L << 20) {
                        pinned.complete(null);
                    }
                }).build().start();
        pinned.get(30, TimeUnit.SECONDS);
        assertEquals("0", cpusOf(vcpus.get(0)), "pinned while it runs");
        io.qmp4j.migration.MigrationException e = migrationFailure(h.cancel(), 60);
        System.out.println("cancelled: " + e.result().rolledBack());
        assertEquals(before, cpusOf(vcpus.get(0)), "the vCPU's affinity restored by the rollback");
        assertTrue(e.result().rolledBack().stream().anyMatch(x -> x.startsWith("restored the CPU affinity of thread")),
                e.result().rolledBack().toString());
        assertSourceRunningAndTicking(p);
    }

    @OneQemu("the SDK's own rule: the monitor's kind, before any QEMU-specific step")
    @Test
    void aSourceWhoseMonitorIsNotOnThisHostIsRefused() throws Exception {
        int port = LoopbackPorts.freePair();
        VmPair p = VmPair.start(qemus, resources, 128, 16, 4, false, b -> b, b -> b.args("-qmp", "tcp:127.0.0.1:" + port
                + ",server=on,wait=off"), b -> b);
        pairs.add(p);
        QmpClient tcp = connect(QmpEndpoint.tcp("127.0.0.1", port));
        PreflightException e = (PreflightException) failure(Migration.builder().source(tcp).destination(p.dst)
                .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair())).cpuIsolation(CpuIsolation.of("1", null)).build().start()
                .completion(), 30);
        assertTrue(e.getMessage().contains("CPU isolation needs qmp4j on the source host"), e.getMessage());
    }
}

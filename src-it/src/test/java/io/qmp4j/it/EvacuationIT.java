package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.evacuation.Evacuation;
import io.qmp4j.migration.evacuation.EvacuationHandle;
import io.qmp4j.migration.evacuation.EvacuationResult;
import io.qmp4j.migration.evacuation.VmResult;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many migrations at once between real QEMUs: three VMs, two at a time under one bandwidth
 * budget, the coldest guest first; one VM's failure does not stop the others; a cancel undoes
 * every running migration; the CLI's {@code evacuate} with a jobs file.
 */
@Timeout(240)
class EvacuationIT extends MigrationCase {

    private static final long MIB = 1L << 20;

    /** Three running guests dirtying 2, 16 and 48 MiB/s, each with its destination. */
    private List<VmPair> threeVms(int ramMiB) throws Exception {
        List<VmPair> l = new ArrayList<>();
        int[] rates = {48, 2, 16};
        for (int i = 0; i < rates.length; i++) {
            VmPair p = VmPair.start("vm" + i + "-", qemus, resources, ramMiB, ramMiB / 2, rates[i], true, b -> b, b -> b, b -> b);
            pairs.add(p);
            l.add(p);
        }
        for (VmPair p : l) {
            // The order is decided on the steady dirty rate, not on the fill of the working set.
            io.qmp4j.testkit.qemu.TestGuest.awaitFilled(p.src, ramMiB / 2, java.time.Duration.ofSeconds(60));
        }
        return l;
    }

    /**
     * Samples, every 50 ms, the sum of QEMU's own {@code max-bandwidth} over the sources whose
     * migration runs (through their second monitors), until closed.
     */
    private final class BudgetSampler implements AutoCloseable {
        final List<Long> sums = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<io.qmp4j.core.QmpClient> sources = new ArrayList<>();
        private volatile boolean stop;
        private final Thread thread;

        BudgetSampler(List<VmPair> vms) throws Exception {
            for (VmPair p : vms) {
                sources.add(connect(p.sourceMonitor2()));
            }
            thread = new Thread(this::run, "budget-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            java.util.Set<io.qmp4j.core.qapi.MigrationStatus> running = java.util.Set.of(
                    io.qmp4j.core.qapi.MigrationStatus.SETUP, io.qmp4j.core.qapi.MigrationStatus.ACTIVE,
                    io.qmp4j.core.qapi.MigrationStatus.DEVICE, io.qmp4j.core.qapi.MigrationStatus.PRE_SWITCHOVER);
            while (!stop) {
                long sum = 0;
                try {
                    for (io.qmp4j.core.QmpClient c : sources) {
                        io.qmp4j.core.qapi.MigrationStatus st = c.execute(new io.qmp4j.core.qapi.QueryMigrate()).get(5, TimeUnit.SECONDS).status();
                        if (st != null && running.contains(st)) {
                            sum += c.execute(new io.qmp4j.core.qapi.QueryMigrateParameters()).get(5, TimeUnit.SECONDS).maxBandwidth();
                        }
                    }
                    sums.add(sum);
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5000);
        }
    }

    private static Migration.Builder migration(VmPair p) throws Exception {
        return Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair()));
    }

    @Test
    void threeVmsTwoAtATimeUnderOneBudgetTheColdestFirst() throws Exception {
        List<VmPair> vms = threeVms(256);
        long budget = 192 * MIB;
        Map<String, Long> limits = new ConcurrentHashMap<>();
        List<Long> sums = new java.util.concurrent.CopyOnWriteArrayList<>();
        Evacuation.Builder b = Evacuation.builder().maxParallel(2).totalBandwidth(budget).listener(new Evacuation.Listener() {
            @Override
            public void bandwidth(String vm, long bandwidth) {
                limits.put(vm, bandwidth);
                sums.add(limits.values().stream().mapToLong(Long::longValue).sum());
            }

            @Override
            public void ended(VmResult r) {
                limits.remove(r.name());
            }
        });
        for (int i = 0; i < vms.size(); i++) {
            b.add("vm" + i, migration(vms.get(i)));
        }
        EvacuationResult r;
        List<Long> sampled;
        try (BudgetSampler sampler = new BudgetSampler(vms)) {
            r = b.build().start().completion().get(180, TimeUnit.SECONDS);
            sampled = sampler.sums;
        }
        r.results().forEach(v -> System.out.printf("%s: %s, started as %d, dirty rate %s MiB/s, %s%n", v.name(), v.outcome(),
                v.startedAs(), v.dirtyRate().isPresent() ? v.dirtyRate().getAsLong() >> 20 : "?",
                v.result().map(x -> "total " + x.totalTime().toMillis() + " ms, bandwidth " + (x.limits().bandwidth() >> 20)
                        + " MiB/s at its start").orElse("")));
        System.out.println("evacuation: " + r.totalTime().toMillis() + " ms, at most " + r.maxRunning() + " at once; sums of the"
                + " running limits (MiB/s): " + sums.stream().map(x -> x >> 20).toList());
        assertTrue(r.allCompleted(), r.toString());
        assertEquals(2, r.maxRunning(), "two at a time");
        TwoHostsIT.assertColdestFirst(r);
        assertEquals(2, r.results().get(0).startedAs(), "the hottest (48 MiB/s, 24 times the coldest) last");
        assertTrue(sums.stream().allMatch(x -> x <= budget), "the running limits never pass the budget: " + sums);
        System.out.println(sampled.size() + " samples of QEMU's max-bandwidth summed over the running sources, most "
                + (sampled.stream().mapToLong(Long::longValue).max().orElse(0) >> 20) + " MiB/s");
        assertTrue(sampled.size() > 10, "sampled while it ran: " + sampled.size());
        assertTrue(sampled.stream().allMatch(x -> x <= budget), "QEMU's own limits, sampled, never add up past the budget: "
                + sampled.stream().map(x -> x >> 20).toList());
        for (VmPair p : vms) {
            assertGuestHealthyOn(p);
            assertNothingOfOurs(p.src, p.dst);
        }
    }

    @Test
    void aFailedVmDoesNotStopTheOthersAndACancelUndoesTheRunning() throws Exception {
        List<VmPair> vms = threeVms(256);
        // vm0's destination dies once its migration runs; the others go on.
        CompletableFuture<Void> killed = new CompletableFuture<>();
        Evacuation.Builder b = Evacuation.builder().maxParallel(3).totalBandwidthMiBps(96).listener(new Evacuation.Listener() {
            @Override
            public void progress(String vm, MigrationProgress p) {
                if (vm.equals("vm0") && p.phase() == MigrationProgress.Phase.MIGRATING && p.transferredBytes() > 8 * MIB
                        && !killed.isDone()) {
                    vms.get(0).destination.signal("KILL");
                    killed.complete(null);
                }
            }
        });
        for (int i = 0; i < vms.size(); i++) {
            b.add("vm" + i, migration(vms.get(i)));
        }
        EvacuationResult r = b.build().start().completion().get(180, TimeUnit.SECONDS);
        System.out.println("one destination killed: " + r.results().stream().map(v -> v.name() + " " + v.outcome()).toList());
        assertEquals(VmResult.Outcome.FAILED, r.results().get(0).outcome(), r.toString());
        assertEquals(RunState.RUNNING, vms.get(0).src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertNothingOfOurs(vms.get(0).src, null);
        assertEquals(VmResult.Outcome.COMPLETED, r.results().get(1).outcome(), r.toString());
        assertEquals(VmResult.Outcome.COMPLETED, r.results().get(2).outcome(), r.toString());

        // A cancel: the hottest VMs of a new set, under a budget too small for them to end soon.
        qemus.close();
        pairs.clear();
        List<VmPair> more = threeVms(256);
        Evacuation.Builder c = Evacuation.builder().maxParallel(2).totalBandwidthMiBps(16);
        for (int i = 0; i < more.size(); i++) {
            c.add("vm" + i, migration(more.get(i)));
        }
        EvacuationHandle h = c.build().start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (h.progress().values().stream().filter(p -> p.phase() == MigrationProgress.Phase.MIGRATING).count() < 2
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        EvacuationResult cancelled = h.cancel().get(60, TimeUnit.SECONDS);
        System.out.println("cancelled: " + cancelled.results().stream().map(v -> v.name() + " " + v.outcome()).toList());
        assertEquals(2, cancelled.count(VmResult.Outcome.CANCELLED), cancelled.toString());
        assertEquals(1, cancelled.count(VmResult.Outcome.NOT_STARTED), cancelled.toString());
        for (VmResult v : cancelled.results()) {
            // The budget changed each running job's max-bandwidth mid-flight: its rollback restores it once.
            List<String> undone = v.result().map(MigrationResult::rolledBack).orElse(List.of());
            assertTrue(undone.stream().filter(u -> u.contains("max-bandwidth")).count() <= 1, v.name() + " rolled back " + undone);
        }
        for (VmPair p : more) {
            assertSourceRunningAndTicking(p);
            assertNothingOfOurs(p.src, p.destination.isAlive() ? p.dst : null);
        }
    }

    /** The jobs file of {@code qmp4j evacuate} for these VMs, each job with {@code extra} members. */
    private Path jobsFile(List<VmPair> vms, String extra) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < vms.size(); i++) {
            VmPair p = vms.get(i);
            json.append(i == 0 ? "" : ",").append("{\"name\": \"vm").append(i).append("\", \"source\": \"").append(p.sourceMonitor2())
                    .append("\", \"dest\": \"").append(p.destinationMonitor2()).append("\", \"uri\": \"tcp:127.0.0.1:")
                    .append(LoopbackPorts.freePair()).append("\"").append(extra).append("}");
        }
        return Files.writeString(Files.createTempFile(qemus.dir(), "jobs", ".json"), json.append("]").toString());
    }

    @Test
    void ctrlCMidEvacuationUndoesEveryJobAndEverySourceRuns() throws Exception {
        List<VmPair> vms = threeVms(128);
        Map<VmPair, String> before = new java.util.HashMap<>();
        for (VmPair p : vms) {
            before.put(p, settings(p.src));
        }
        Path file = jobsFile(vms, ", \"bandwidth\": 4");
        try (CliProcess cli = CliProcess.start("evacuate", "--jobs", file.toString(), "--max-parallel", "2", "--order", "as-given")) {
            cli.awaitLine(l -> l.startsWith("vm1: active"), java.time.Duration.ofSeconds(60));
            cli.signal("INT");
            int exit = cli.awaitExit(java.time.Duration.ofSeconds(60));
            System.out.println("Ctrl-C mid-evacuation: exit " + exit + "\n" + cli.out() + cli.err());
            assertEquals(130, exit, cli.err());
            assertTrue(cli.err().contains("cancelling every running migration"), cli.err());
            assertTrue(cli.out().contains("vm0: cancelled") && cli.out().contains("vm1: cancelled")
                    && cli.out().contains("vm2: not started"), cli.out());
        }
        for (VmPair p : vms) {
            assertSourceRunningAndTicking(p);
            assertEquals(before.get(p), settings(p.src), "the source's settings are as before");
            assertNothingOfOurs(p.src, p.destination.isAlive() ? p.dst : null);
        }
    }

    @Test
    void theCliEvacuatesFromAJobsFile() throws Exception {
        List<VmPair> vms = threeVms(128);
        Path file = jobsFile(vms, ", \"max-downtime\": 300");
        Cli.Run run = Cli.run("evacuate", "--jobs", file.toString(), "--max-parallel", "2", "--bandwidth-total", "256", "--json");
        System.out.println(run.out() + run.err());
        assertEquals(0, run.exit(), run.err());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals(3, o.path("results").size());
        for (int i = 0; i < 3; i++) {
            assertEquals("vm" + i, o.path("results").get(i).path("name").asText(), "in the file's order");
            assertEquals("completed", o.path("results").get(i).path("status").asText());
        }
        assertEquals(3, o.path("summary").path("completed").asInt());
        for (VmPair p : vms) {
            assertGuestHealthyOn(p);
        }
        Path bad = Files.writeString(qemus.dir().resolve("bad.json"), "[{\"source\": \"unix:/x\", \"dest\": \"unix:/y\","
                + " \"uri\": \"tcp:127.0.0.1:1\", \"no-such-option\": 1}]");
        Cli.Run refused = Cli.run("evacuate", "--jobs", bad.toString());
        assertEquals(2, refused.exit(), refused.err());
        assertTrue(refused.err().contains("job 1") && refused.err().contains("no-such-option"), refused.err());
    }
}

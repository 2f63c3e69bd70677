package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryMigrateParameters;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.evacuation.Evacuation;
import io.qmp4j.migration.evacuation.EvacuationOrder;
import io.qmp4j.migration.evacuation.EvacuationResult;
import io.qmp4j.migration.evacuation.VmResult;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Evacuating one host: the same guests (mixed dirty rates, the hottest dirtying faster than any
 * share of the link it could get) moved serially with the whole link each, all at once with no
 * budget, and by the scheduler (two at a time under the budget); for each, the evacuation's total
 * time, each VM's downtime, how long the sampled throughput held the link (≥ 90 % of the
 * budget), the most the running migrations' {@code max-bandwidth} (sampled from QEMU) added up
 * to, and the most bytes per second actually sent, as ratios to the serial run of the same
 * invocation. Every migration has post-copy for a guest that does not converge. The "link" here
 * is loopback: the budget is the only limit, so "all at once" shows what an unbudgeted
 * evacuation takes from a host.
 *
 * <pre>java -cp qmp4j-bench-all.jar io.qmp4j.examples.bench.EvacuationBenchmark [RAM_MiB] [BUDGET_MiB_s] [RATES_MiB_s,...]</pre>
 */
public final class EvacuationBenchmark {

    private static final Set<MigrationStatus> RUNNING = Set.of(MigrationStatus.SETUP, MigrationStatus.ACTIVE,
            MigrationStatus.DEVICE, MigrationStatus.POSTCOPY_ACTIVE, MigrationStatus.PRE_SWITCHOVER);

    /** A sum of limits that includes an unlimited one. */
    private static final long UNLIMITED = Long.MAX_VALUE / 2;

    private EvacuationBenchmark() {
    }

    /** One way of evacuating: its name, how many at once, and whether under the budget. */
    private record Mode(String name, int parallel, boolean budget) {
    }

    /** One mode's figures. */
    public record Figures(String name, double totalMs, List<Long> downtimesMs, double saturatedMs, long peakLimits, long peakSent,
                          long meanSent, long completed) {
    }

    public static void main(String[] args) throws Exception {
        int ram = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int budget = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        String rates = args.length > 2 ? args[2] : "2,4,8,16,32,320";
        run(ram, budget, rates.split(",").length == 0 ? new int[0] : java.util.Arrays.stream(rates.split(","))
                .mapToInt(Integer::parseInt).toArray());
    }

    /** @return each mode's figures: serial, all at once, the scheduler */
    public static List<Figures> run(int ramMiB, int budgetMiBps, int[] ratesMiBps) throws Exception {
        System.out.printf("evacuation benchmark: %d guests of %d MiB dirtying %s MiB/s, budget %d MiB/s, %s%n", ratesMiBps.length,
                ramMiB, java.util.Arrays.toString(ratesMiBps), budgetMiBps, Accelerator.detect());
        List<Mode> modes = List.of(new Mode("serial, the whole link each", 1, false),
                new Mode("all at once, no budget", ratesMiBps.length, false),
                new Mode("scheduler: 2 at once under the budget", 2, true));
        Path work = Files.createTempDirectory("qmp4j-bench-evacuation");
        Path cache = TestGuest.defaultCache();
        List<Figures> all = new ArrayList<>();
        try (QmpResources resources = QmpResources.create()) {
            for (Mode m : modes) {
                List<Vm> vms = new ArrayList<>();
                try {
                    for (int i = 0; i < ratesMiBps.length; i++) {
                        vms.add(Vm.start(resources, work.resolve(m.parallel() + "-" + i), cache, ramMiB, ratesMiBps[i]));
                    }
                    all.add(evacuate(m, vms, (long) budgetMiBps << 20));
                } finally {
                    vms.forEach(Vm::close);
                }
            }
        } finally {
            HostTools.deleteTree(work);
        }
        print(all, budgetMiBps);
        return all;
    }

    private static Figures evacuate(Mode m, List<Vm> vms, long budget) throws Exception {
        Evacuation.Builder e = Evacuation.builder().maxParallel(m.parallel()).order(EvacuationOrder.EASIEST_FIRST);
        if (m.budget()) {
            e.totalBandwidth(budget);
        }
        for (int i = 0; i < vms.size(); i++) {
            Vm v = vms.get(i);
            Migration.Builder b = Migration.builder().source(v.src).destination(v.dst)
                    .uri(MigrationUri.unix(v.destination.socketPath("m.sock"))).maxDowntime(Duration.ofMillis(300))
                    .postcopy(Postcopy.whenNotConverging());
            if (!m.budget() && m.parallel() == 1) {
                b.bandwidth(budget); // serial: the whole link for each
            }
            e.add("vm" + i, b);
        }
        Sampler sampler = new Sampler(vms, budget);
        Thread t = new Thread(sampler, "evacuation-sampler");
        t.setDaemon(true);
        t.start();
        EvacuationResult r;
        try {
            r = e.build().start().completion().get(30, TimeUnit.MINUTES);
        } finally {
            sampler.stop = true;
            t.join(5000);
        }
        List<Long> downtimes = r.results().stream().map(v -> v.result().map(x -> x.downtime().toMillis()).orElse(-1L)).toList();
        Figures f = new Figures(m.name(), r.totalTime().toMillis(), downtimes, sampler.saturatedNanos / 1e6, sampler.peakLimits,
                sampler.peakSent, sampler.meanSent(), r.count(VmResult.Outcome.COMPLETED));
        System.out.printf("  %-40s total %7.0f ms, %d completed, link held %6.0f ms, running limits up to %s, sent %5d MiB/s on"
                + " average while any ran (%d at most in 100 ms), downtimes %s ms%n", f.name(), f.totalMs(), f.completed(),
                f.saturatedMs(), f.peakLimits() >= UNLIMITED ? "unlimited" : (f.peakLimits() >> 20) + " MiB/s", f.meanSent() >> 20,
                f.peakSent() >> 20, f.downtimesMs());
        return f;
    }

    private static void print(List<Figures> all, int budgetMiBps) {
        Figures base = all.get(0);
        double baseDowntime = mean(base.downtimesMs());
        System.out.printf("%nratios to '%s' (same run; budget %d MiB/s):%n", base.name(), budgetMiBps);
        for (Figures f : all) {
            System.out.printf("  %-40s total %5.2f  mean downtime %5.2f  worst downtime %5.2f  link held %5.2f  peak of running"
                    + " limits / budget %s  mean sent / budget %5.2f  peak (100 ms) sent / budget %5.2f%n", f.name(),
                    f.totalMs() / base.totalMs(),
                    mean(f.downtimesMs()) / Math.max(1, baseDowntime), (double) max(f.downtimesMs()) / Math.max(1, max(base.downtimesMs())),
                    f.saturatedMs() / Math.max(1, base.saturatedMs()),
                    f.peakLimits() >= UNLIMITED ? "unlimited" : String.format("%5.2f", f.peakLimits() / (double) (budgetMiBps << 20)),
                    f.meanSent() / (double) ((long) budgetMiBps << 20), f.peakSent() / (double) ((long) budgetMiBps << 20));
        }
    }

    private static double mean(List<Long> l) {
        return l.stream().filter(x -> x >= 0).mapToLong(Long::longValue).average().orElse(0);
    }

    private static long max(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Every 100 ms: the running sources' summed {@code max-bandwidth}, and the bytes they sent since the last sample. */
    private static final class Sampler implements Runnable {
        private final List<Vm> vms;
        private final long budget;
        private final long[] last;
        volatile boolean stop;
        long saturatedNanos;
        long peakLimits;
        long peakSent;
        private long sentWhileRunning;
        private long runningNanos;

        /** @return the bytes per second sent while any migration ran */
        long meanSent() {
            return runningNanos == 0 ? 0 : (long) (sentWhileRunning / (runningNanos / 1e9));
        }

        Sampler(List<Vm> vms, long budget) {
            this.vms = vms;
            this.budget = budget;
            this.last = new long[vms.size()];
        }

        @Override
        public void run() {
            long prev = System.nanoTime();
            while (!stop) {
                try {
                    Thread.sleep(100);
                    long now = System.nanoTime();
                    long limits = 0;
                    long sent = 0;
                    for (int i = 0; i < vms.size(); i++) {
                        QmpClient c = vms.get(i).monitor;
                        MigrationInfo info = c.execute(new QueryMigrate()).get(5, TimeUnit.SECONDS);
                        long moved = info.ram() == null || info.ram().transferred() == null ? last[i] : info.ram().transferred();
                        sent += Math.max(0, moved - last[i]);
                        last[i] = moved;
                        if (info.status() != null && RUNNING.contains(info.status())) {
                            Long b = c.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS).maxBandwidth();
                            limits = b == null || b >= Migration.UNLIMITED_BANDWIDTH ? UNLIMITED : Math.min(UNLIMITED, limits + b);
                        }
                    }
                    long perSecond = (long) (sent / ((now - prev) / 1e9));
                    if (limits > 0) {
                        sentWhileRunning += sent;
                        runningNanos += now - prev;
                    }
                    peakLimits = Math.max(peakLimits, limits);
                    peakSent = Math.max(peakSent, perSecond);
                    if (perSecond >= budget * 0.9) {
                        saturatedNanos += now - prev;
                    }
                    prev = now;
                } catch (Exception e) {
                    return;
                }
            }
        }
    }

    /** A source running the test guest and a destination; a second client on the source for the sampler. */
    private record Vm(QemuProcess source, QemuProcess destination, QmpClient src, QmpClient dst, QmpClient monitor) {
        static Vm start(QmpResources resources, Path work, Path cache, int ram, int rate) throws Exception {
            Files.createDirectories(work);
            int set = ram / 2;
            QemuProcess s = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache, set, rate, true)
                    .name("src").lifetime(Duration.ofMinutes(10))
                    .args("-qmp", "unix:" + work.resolve("src-2.qmp") + ",server=on,wait=off").start();
            QemuProcess d = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache, set, rate, true)
                    .name("dst").incomingDefer(true).lifetime(Duration.ofMinutes(10)).start();
            QmpClient sc = connect(resources, s.qmp());
            QmpClient dc = connect(resources, d.qmp());
            QmpClient mc = connect(resources, io.qmp4j.core.QmpEndpoint.unix(work.resolve("src-2.qmp")));
            TestGuest.awaitFilled(sc, set, Duration.ofSeconds(60));
            return new Vm(s, d, sc, dc, mc);
        }

        private static QmpClient connect(QmpResources resources, io.qmp4j.core.QmpEndpoint ep) throws Exception {
            QmpClient c = QmpClient.builder().endpoint(ep).resources(resources).build();
            c.connect().get(10, TimeUnit.SECONDS);
            return c;
        }

        void close() {
            monitor.close();
            src.close();
            dst.close();
            source.close();
            destination.close();
        }
    }
}

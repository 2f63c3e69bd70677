package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.command.Migrations;
import io.qmp4j.core.qapi.MigrateSetParameters;
import io.qmp4j.migration.AutoConverge;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.TimeoutAction;
import io.qmp4j.migration.dirtyrate.ConvergenceModel;
import io.qmp4j.migration.dirtyrate.ConvergencePrediction;
import io.qmp4j.migration.dirtyrate.DirtyRate;
import io.qmp4j.migration.dirtyrate.DirtyRateMeter;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Choosing a strategy for a VM that does not converge: the same hot guest (dirtying faster than
 * the link carries) migrated with auto-converge at QEMU's default throttle and at a steeper one,
 * with an adaptive downtime limit (doubled after each pass that left no less to send, as Proxmox
 * VE does), with post-copy after the first pass, and with the suspend timeout action; for each,
 * QEMU's total time and downtime, how long the guest stood still, and how fast the guest ran
 * during the migration (its own page counter, against its speed before), as ratios to the first
 * strategy of the same run. Then the convergence model's pick for the measured rate and link.
 *
 * <pre>java -cp qmp4j-bench-all.jar io.qmp4j.examples.bench.StrategyBenchmark [RAM_MiB] [SET_MiB] [DIRTY_MiB_s] [LINK_MiB_s]</pre>
 */
public final class StrategyBenchmark {

    private StrategyBenchmark() {
    }

    /** A way to finish a migration that does not converge. */
    private record Strategy(String name, UnaryOperator<Migration.Builder> apply, boolean adaptiveDowntime) {
    }

    /** One strategy's figures: QEMU's total time and downtime, the guest's real pause, its speed during the migration (1 = normal). */
    public record Figures(String name, double totalMs, double downtimeMs, double pauseMs, double guestSpeed) {
    }

    public static void main(String[] args) throws Exception {
        int ram = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int set = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int link = args.length > 3 ? Integer.parseInt(args[3]) : 48;
        run(ram, set, rate, link);
    }

    /**
     * @return each strategy's figures, in the order printed
     */
    public static List<Figures> run(int ramMiB, int setMiB, int rateMiBps, int linkMiBps) throws Exception {
        System.out.printf("strategy benchmark: guest %d MiB, %d MiB dirtied at %d MiB/s, link %d MiB/s, %s%n", ramMiB, setMiB,
                rateMiBps, linkMiBps, Accelerator.detect());
        List<Strategy> strategies = List.of(
                new Strategy("auto-converge (QEMU's 20 %/+10 %)", b -> b.autoConverge(AutoConverge.defaults()), false),
                new Strategy("auto-converge steep (50 %/+25 %)", b -> b.autoConverge(new AutoConverge(50, 25, 99, false)), false),
                new Strategy("adaptive downtime (x2 per pass)", b -> b, true),
                new Strategy("post-copy after pass 1", b -> b.postcopy(Postcopy.afterPasses(1)), false),
                new Strategy("suspend after 3 s", b -> b.timeout(Duration.ofSeconds(3), TimeoutAction.SUSPEND), false));
        Path work = Files.createTempDirectory("qmp4j-bench-strategy");
        Path cache = TestGuest.defaultCache();
        List<Figures> all = new ArrayList<>();
        DirtyRate measured = null;
        try (QmpResources resources = QmpResources.create()) {
            for (Strategy s : strategies) {
                Pair p = Pair.start(resources, work, cache, ramMiB, setMiB, rateMiBps);
                try {
                    if (measured == null) {
                        measured = DirtyRateMeter.measure(p.src, Duration.ofSeconds(1)).get(30, TimeUnit.SECONDS);
                    }
                    all.add(migrate(s, p, work, (long) linkMiBps << 20));
                } finally {
                    p.close();
                }
            }
        } finally {
            HostTools.deleteTree(work);
        }
        print(all);
        ConvergencePrediction model = ConvergenceModel.predict(measured, (long) ramMiB << 20, (long) setMiB << 20,
                (long) linkMiBps << 20, Duration.ofMillis(300));
        System.out.println("the model, for " + measured.mebibytesPerSecond() + " MiB/s over " + linkMiBps + " MiB/s: "
                + String.join("; ", model.advice()) + "\n  its pick: " + pick(model, setMiB, linkMiBps));
        return all;
    }

    private static Figures migrate(Strategy s, Pair p, Path work, long link) throws Exception {
        TestGuest.GuestStatus before = TestGuest.status(p.src);
        Thread.sleep(1000);
        TestGuest.GuestStatus base = TestGuest.status(p.src);
        double normal = (base.pagesDirtied() - before.pagesDirtied()) / 1.0;
        Migration.Builder b = Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.unix(p.destination.socketPath("s.sock"))).bandwidth(link).maxDowntime(Duration.ofMillis(300))
                .timeout(Duration.ofSeconds(120), TimeoutAction.SUSPEND);
        b = s.apply().apply(b);
        if (s.adaptiveDowntime()) {
            b.progressListener(new AdaptiveDowntime(p.src));
        }
        long t0 = System.nanoTime();
        MigrationResult r = b.build().start().completion().get(300, TimeUnit.SECONDS);
        TestGuest.GuestStatus after = TestGuest.status(p.dst);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double speed = normal <= 0 ? 1 : (after.pagesDirtied() - base.pagesDirtied()) / seconds / normal;
        Figures f = new Figures(s.name(), r.totalTime().toMillis(), r.downtime().toMillis(),
                r.guestPause().orElse(r.downtime()).toMillis(), speed);
        System.out.printf("  %-36s total %6.0f ms  downtime %5.0f ms  guest still %5.0f ms  guest speed %.2f of normal%n",
                f.name(), f.totalMs(), f.downtimeMs(), f.pauseMs(), f.guestSpeed());
        return f;
    }

    private static void print(List<Figures> all) {
        Figures base = all.get(0);
        System.out.printf("%nratios to '%s' (same run):%n", base.name());
        for (Figures f : all) {
            System.out.printf("  %-36s total %5.2f  downtime %6.2f  guest still %6.2f  guest speed %5.2f%n", f.name(),
                    f.totalMs() / base.totalMs(), f.downtimeMs() / Math.max(1, base.downtimeMs()),
                    f.pauseMs() / Math.max(1, base.pauseMs()), f.guestSpeed() / Math.max(0.01, base.guestSpeed()));
        }
    }

    /**
     * Pre-copy if it converges; else auto-converge when it gets there within twice post-copy's
     * time (about one pass over what the guest wrote: zero pages cost next to nothing), else post-copy.
     */
    static String pick(ConvergencePrediction m, int workingSetMiB, int linkMiBps) {
        if (m.converges()) {
            return "pre-copy as it is";
        }
        double postcopy = (double) workingSetMiB / linkMiBps;
        if (m.autoConvergeTime().isPresent() && m.autoConvergeTime().get().toMillis() / 1000.0 <= 2 * postcopy) {
            return String.format("auto-converge (about %.0f s, post-copy about %.0f s)", m.autoConvergeTime().get().toMillis() / 1000.0,
                    postcopy);
        }
        return String.format("post-copy after the first pass (about %.0f s%s)", postcopy, m.autoConvergeTime()
                .map(t -> String.format("; auto-converge about %.0f s", t.toMillis() / 1000.0)).orElse("; auto-converge cannot"));
    }

    /** Doubles the downtime limit after each pass that left no less to send than the one before (Proxmox VE's way). */
    private static final class AdaptiveDowntime implements Consumer<MigrationProgress> {
        private final QmpClient source;
        private long pass;
        private long lastRemaining = Long.MAX_VALUE;
        private long downtimeMs = 300;

        AdaptiveDowntime(QmpClient source) {
            this.source = source;
        }

        @Override
        public void accept(MigrationProgress p) {
            if (p.pass() <= pass || p.pass() < 2) {
                return;
            }
            pass = p.pass();
            if (p.remainingBytes() >= lastRemaining * 0.9 && downtimeMs < 60_000) {
                downtimeMs *= 2;
                source.execute(Migrations.set(MigrateSetParameters.builder().downtimeLimit(downtimeMs).build()));
            }
            lastRemaining = p.remainingBytes();
        }
    }

    /** A source running the hot guest and a destination, connected. */
    private record Pair(QemuProcess source, QemuProcess destination, QmpClient src, QmpClient dst) {
        static Pair start(QmpResources resources, Path work, Path cache, int ram, int set, int rate) throws Exception {
            QemuProcess s = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache, set, rate, true)
                    .name("src").lifetime(Duration.ofMinutes(5)).start();
            QemuProcess d = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache, set, rate, true)
                    .name("dst").incomingDefer(true).lifetime(Duration.ofMinutes(5)).start();
            QmpClient sc = QmpClient.builder().endpoint(s.qmp()).resources(resources).build();
            QmpClient dc = QmpClient.builder().endpoint(d.qmp()).resources(resources).build();
            sc.connect().get(10, TimeUnit.SECONDS);
            dc.connect().get(10, TimeUnit.SECONDS);
            TestGuest.awaitFilled(sc, set, Duration.ofSeconds(60));
            return new Pair(s, d, sc, dc);
        }

        void close() {
            src.close();
            dst.close();
            source.close();
            destination.close();
        }
    }
}

package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.migration.CpuIsolation;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import io.qmp4j.testkit.tls.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU isolation on and off, for the migration the openEuler guide warns about: TLS with two
 * multifd channels, unlimited. For each: the guest's own progress (pages it dirtied per second
 * during the migration, against its rate before) and the migration's throughput (bytes sent over
 * QEMU's total time), as ratios to the run without isolation. With isolation the migration
 * threads run on the last CPU and the vCPU on the first.
 *
 * <pre>java -cp qmp4j-bench-all.jar io.qmp4j.examples.bench.IsolationBenchmark [RAM_MiB] [DIRTY_MiB_s] [ROUNDS]</pre>
 */
public final class IsolationBenchmark {

    private IsolationBenchmark() {
    }

    /** One run's figures: the guest's speed during the migration (1 = as before) and the migration's throughput. */
    public record Figures(String name, double guestSpeed, double mibPerSecond, long totalMs) {
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 512, args.length > 1 ? Integer.parseInt(args[1]) : 64,
                args.length > 2 ? Integer.parseInt(args[2]) : 3);
    }

    /** @return the medians of {@code rounds} runs without, then with isolation */
    public static List<Figures> run(int ramMiB, int rateMiBps, int rounds) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        String last = Integer.toString(cpus - 1);
        System.out.printf("isolation benchmark: TLS, 2 multifd channels, guest %d MiB dirtying %d MiB/s, %d CPUs, %s%n", ramMiB,
                rateMiBps, cpus, Accelerator.detect());
        Path work = Files.createTempDirectory("qmp4j-bench-isolation");
        Path cache = TestGuest.defaultCache();
        List<Figures> medians = new ArrayList<>();
        try (QmpResources resources = QmpResources.create()) {
            Path tls = Certificates.authority(work.resolve("ca"), "bench CA").issueAll(work.resolve("tls"), List.of("localhost", "127.0.0.1"));
            for (boolean isolate : new boolean[] {false, true}) {
                List<Figures> runs = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    runs.add(once(resources, work.resolve((isolate ? "on-" : "off-") + i), cache, tls, ramMiB, rateMiBps,
                            isolate ? CpuIsolation.of(last, "0") : null));
                }
                runs.sort(java.util.Comparator.comparingDouble(Figures::mibPerSecond));
                medians.add(runs.get(runs.size() / 2));
            }
        } finally {
            HostTools.deleteTree(work);
        }
        Figures off = medians.get(0);
        System.out.printf("%nratios to 'isolation off' (medians of %d, same run):%n", rounds);
        for (Figures f : medians) {
            System.out.printf("  %-36s guest speed during the migration %5.2f  migration throughput %5.2f  (%.2f of normal, %.0f MiB/s)%n",
                    f.name(), f.guestSpeed() / Math.max(0.01, off.guestSpeed()), f.mibPerSecond() / off.mibPerSecond(), f.guestSpeed(),
                    f.mibPerSecond());
        }
        return medians;
    }

    private static Figures once(QmpResources resources, Path work, Path cache, Path tls, int ram, int rate, CpuIsolation isolation)
            throws Exception {
        Files.createDirectories(work);
        int set = ram / 2;
        try (QemuProcess s = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache, set, rate, true)
                .name("src").lifetime(Duration.ofMinutes(5)).start();
             QemuProcess d = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache, set, rate, true)
                     .name("dst").incomingDefer(true).lifetime(Duration.ofMinutes(5)).start()) {
            QmpClient sc = QmpClient.builder().endpoint(s.qmp()).resources(resources).build();
            QmpClient dc = QmpClient.builder().endpoint(d.qmp()).resources(resources).build();
            try {
                sc.connect().get(10, TimeUnit.SECONDS);
                dc.connect().get(10, TimeUnit.SECONDS);
                TestGuest.awaitFilled(sc, set, Duration.ofSeconds(60));
                TestGuest.GuestStatus a = TestGuest.status(sc);
                Thread.sleep(1000);
                TestGuest.GuestStatus b = TestGuest.status(sc);
                double normal = Math.max(1, b.pagesDirtied() - a.pagesDirtied());
                Migration.Builder m = Migration.builder().source(sc).destination(dc).uri(MigrationUri.tcp("127.0.0.1",
                        LoopbackPorts.freePair())).tls(TlsCredentials.of(tls)).multifd(2).maxDowntime(Duration.ofMillis(300));
                if (isolation != null) {
                    m.cpuIsolation(isolation);
                }
                long t0 = System.nanoTime();
                MigrationResult r = m.build().start().completion().get(300, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - t0) / 1e9;
                TestGuest.GuestStatus after = TestGuest.status(dc);
                double speed = (after.pagesDirtied() - b.pagesDirtied()) / seconds / normal;
                double mibps = (r.transferredBytes() / (double) (1L << 20)) / Math.max(0.001, r.totalTime().toMillis() / 1000.0);
                Figures f = new Figures(isolation == null ? "isolation off" : "isolation on (" + isolation.migrationCpus().orElse("")
                        + " / " + isolation.vcpuCpus().orElse("") + ")", speed, mibps, r.totalTime().toMillis());
                System.out.printf("  %-36s total %5d ms, %6.0f MiB/s, guest at %.2f of its speed%n", f.name(), f.totalMs(), mibps, speed);
                return f;
            } finally {
                sc.close();
                dc.close();
            }
        }
    }
}

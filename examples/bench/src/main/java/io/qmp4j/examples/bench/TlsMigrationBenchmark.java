package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import io.qmp4j.testkit.tls.Certificates;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.TlsCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What encryption costs a migration, and what multifd channels buy back: the same guest
 * migrated plain, with TLS on one channel, and with TLS on 2 and 4 multifd channels, each
 * configuration in turn in every round (so that the machine's noise spreads over all), medians
 * printed with ratios to the plain run of the same invocation.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.bench.TlsMigrationBenchmark [ROUNDS] [RAM_MiB] [DIRTY_MiB_s]</pre>
 */
public final class TlsMigrationBenchmark {

    private TlsMigrationBenchmark() {
    }

    /** One configuration. */
    private record Config(String name, boolean tls, int channels) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int ramMiB = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        List<Config> configs = List.of(new Config("plain", false, 0), new Config("TLS", true, 0),
                new Config("TLS, 2 channels", true, 2), new Config("TLS, 4 channels", true, 4));
        Path work = Files.createTempDirectory("qmp4j-bench-tls");
        Path cache = TestGuest.defaultCache();
        Map<Config, List<MigrationResult>> results = new LinkedHashMap<>();
        configs.forEach(c -> results.put(c, new ArrayList<>()));
        System.out.printf("TLS migration benchmark: %d rounds, guest %d MiB RAM, all of it written, %d MiB/s dirtied, %s,"
                + " loopback TCP, %d CPUs%n", rounds, ramMiB, rate, Accelerator.detect(), Runtime.getRuntime().availableProcessors());
        try (QmpResources resources = QmpResources.create()) {
            Path tls = Certificates.authority(work.resolve("ca"), "bench CA").issueAll(work.resolve("tls"), List.of("localhost", "127.0.0.1"));
            for (int round = 0; round < rounds; round++) {
                for (Config c : configs) {
                    MigrationResult r = once(resources, work, cache, tls, c, ramMiB, rate);
                    results.get(c).add(r);
                    System.out.printf("  round %d %-16s total %6d ms  downtime %4d ms  %5d MiB  %6.0f MiB/s%n", round + 1, c.name(),
                            r.totalTime().toMillis(), r.downtime().toMillis(), r.transferredBytes() >> 20, mibps(r));
                }
            }
        } finally {
            if (!HostTools.deleteTree(work)) {
                System.err.println("could not remove " + work);
            }
        }
        double plainTime = median(results.get(configs.get(0)).stream().mapToDouble(r -> r.totalTime().toMillis()).toArray());
        double plainRate = median(results.get(configs.get(0)).stream().mapToDouble(TlsMigrationBenchmark::mibps).toArray());
        System.out.printf("%n%-16s %10s %10s %12s %10s %12s%n", "median of " + rounds, "total ms", "downtime", "MiB/s", "time ×plain",
                "MiB/s ×plain");
        for (Config c : configs) {
            List<MigrationResult> rs = results.get(c);
            double t = median(rs.stream().mapToDouble(r -> r.totalTime().toMillis()).toArray());
            double d = median(rs.stream().mapToDouble(r -> r.downtime().toMillis()).toArray());
            double m = median(rs.stream().mapToDouble(TlsMigrationBenchmark::mibps).toArray());
            System.out.printf("%-16s %10.0f %10.0f %12.0f %10.2f %12.2f%n", c.name(), t, d, m, t / plainTime, m / plainRate);
        }
    }

    private static MigrationResult once(QmpResources resources, Path work, Path cache, Path tls, Config c, int ramMiB, int rate)
            throws Exception {
        QemuProcess.Builder vm = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ramMiB).paused(false), cache,
                ramMiB - 64, rate, true).lifetime(Duration.ofMinutes(5));
        try (QemuProcess src = vm.name("src").start();
             QemuProcess dst = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ramMiB).paused(false), cache,
                     ramMiB - 64, rate, true).name("dst").incomingDefer(true).lifetime(Duration.ofMinutes(5)).start();
             QmpClient s = QmpClient.builder().endpoint(src.qmp()).resources(resources).build();
             QmpClient d = QmpClient.builder().endpoint(dst.qmp()).resources(resources).build()) {
            s.connect().get(10, TimeUnit.SECONDS);
            d.connect().get(10, TimeUnit.SECONDS);
            // The guest writes its whole working set once at full speed: every run moves the same data.
            TestGuest.awaitFilled(s, ramMiB - 64, Duration.ofSeconds(60));
            Migration.Builder m = Migration.builder().source(s).destination(d)
                    .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair()));
            if (c.tls()) {
                m.tls(TlsCredentials.of(tls));
            }
            if (c.channels() > 0) {
                m.multifd(c.channels());
            }
            return m.build().start().completion().get(300, TimeUnit.SECONDS);
        }
    }

    private static double mibps(MigrationResult r) {
        return r.totalTime().toMillis() == 0 ? 0 : (r.transferredBytes() / 1048576.0) / (r.totalTime().toMillis() / 1000.0);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length == 0 ? 0 : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

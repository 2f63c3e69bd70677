package io.qmp4j.examples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.command.HumanMonitorCommand;
import io.qmp4j.core.command.QueryMemorySizeSummary;
import io.qmp4j.core.command.QueryStatus;
import io.qmp4j.examples.qemu.Accelerator;
import io.qmp4j.examples.qemu.QemuProcess;
import io.qmp4j.examples.qemu.TestGuest;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.dirtyrate.ConvergenceModel;
import io.qmp4j.migration.dirtyrate.ConvergencePrediction;
import io.qmp4j.migration.dirtyrate.DirtyRate;
import io.qmp4j.migration.dirtyrate.DirtyRateMeter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The README's main job: a live migration between two local QEMUs that it starts itself. The
 * guest (a small multiboot kernel built with gcc) dirties 256 MiB at 64 MiB/s and checks its
 * own memory; after the migration the demo shows it still ticking, with no integrity error, on
 * the destination.
 */
public final class Demo {

    private static final int RAM_MIB = 512;
    private static final int WORKING_SET_MIB = 256;
    private static final int RATE_MIBPS = 64;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("qmp4j-demo");
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "qmp4j-cache");
        Accelerator accel = Accelerator.detect();
        System.out.println("qmp4j live migration demo (accelerator: " + accel + ", work dir " + work + ")");
        QemuProcess.Builder vm = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(RAM_MIB).paused(false),
                cache, WORKING_SET_MIB, RATE_MIBPS).args("-serial", "file:" + work.resolve("serial.log"));
        try (QemuProcess source = vm.name("source").start();
             QemuProcess destination = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(RAM_MIB).paused(false),
                     cache, WORKING_SET_MIB, RATE_MIBPS).name("destination").incomingDefer(true)
                     .args("-serial", "file:" + work.resolve("serial-dst.log")).start();
             QmpResources resources = QmpResources.create();
             QmpClient src = QmpClient.builder().endpoint(source.qmp()).resources(resources).name("source").build();
             QmpClient dst = QmpClient.builder().endpoint(destination.qmp()).resources(resources).name("destination").build()) {
            src.connect().get(10, TimeUnit.SECONDS);
            dst.connect().get(10, TimeUnit.SECONDS);
            System.out.println("source:      " + source + ", QMP " + source.qmp());
            System.out.println("destination: " + destination + ", QMP " + destination.qmp() + " (-incoming defer)");

            TestGuest.GuestStatus s = waitForTicks(src, 2);
            System.out.println("guest on the source: tick " + s.ticks() + ", " + s.pagesDirtied() + " pages dirtied, "
                    + s.integrityErrors() + " integrity errors");

            DirtyRate rate = DirtyRateMeter.measure(src, Duration.ofSeconds(1)).get(20, TimeUnit.SECONDS);
            long ram = src.execute(new QueryMemorySizeSummary()).get(5, TimeUnit.SECONDS).baseMemory();
            long bandwidth = Migration.UNLIMITED_BANDWIDTH;
            ConvergencePrediction p = ConvergenceModel.predict(rate, ram, (long) WORKING_SET_MIB << 20, 1L << 30,
                    Duration.ofMillis(300));
            System.out.println("dirty rate: " + rate.mebibytesPerSecond() + " MiB/s (guest set to " + RATE_MIBPS
                    + "); at 1 GiB/s the model predicts: " + String.join("; ", p.advice()));

            Path sock = work.resolve("migration.sock");
            MigrationResult r;
            try {
                r = Migration.builder().source(src).destination(dst).uri(MigrationUri.unix(sock))
                        .storage(Storage.shared()).bandwidth(bandwidth).maxDowntime(Duration.ofMillis(300))
                        .progressListener(Demo::printProgress)
                        .build().start().completion().get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof MigrationException m) {
                    System.out.println("migration did not complete: " + m.getMessage());
                    System.exit(1);
                }
                throw e;
            }
            System.out.println();
            System.out.printf("migration completed: total %d ms, downtime %d ms, setup %d ms, %d MiB sent in %d passes%n",
                    r.totalTime().toMillis(), r.downtime().toMillis(), r.setupTime().toMillis(), r.transferredBytes() >> 20,
                    r.passes());
            System.out.println("source now:      " + src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
            System.out.println("destination now: " + dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
            TestGuest.GuestStatus before = status(dst);
            TestGuest.GuestStatus after = waitForTicks(dst, before.ticks() + 2);
            System.out.println("guest on the destination: tick " + before.ticks() + " -> " + after.ticks() + ", "
                    + after.integrityErrors() + " integrity errors (it checks every page it wrote before the migration)");
            if (after.integrityErrors() != 0 || after.ticks() <= before.ticks()) {
                System.out.println("FAILED: the guest is not healthy on the destination");
                System.exit(1);
            }
            System.out.println("OK: the VM runs on the destination, its memory intact.");
        }
    }

    private static void printProgress(MigrationProgress p) {
        if (p.phase() == MigrationProgress.Phase.MIGRATING) {
            System.out.printf("  %-9s pass %d  %5.1f %%  %6d MiB sent  %5d MiB/s  dirty %4d MiB/s  expected downtime %d ms%n",
                    p.status(), p.pass(), p.percent(), p.transferredBytes() >> 20, p.throughputBytesPerSecond() >> 20,
                    p.dirtyBytesPerSecond() >> 20, p.expectedDowntime().toMillis());
        } else {
            System.out.println("  " + p.phase().name().toLowerCase().replace('_', ' '));
        }
    }

    private static TestGuest.GuestStatus status(QmpClient c) throws Exception {
        return TestGuest.parseStatus(c.execute(new HumanMonitorCommand("xp /4wx " + TestGuest.STATUS_ADDRESS))
                .get(5, TimeUnit.SECONDS));
    }

    private static TestGuest.GuestStatus waitForTicks(QmpClient c, long ticks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        TestGuest.GuestStatus s = status(c);
        while (s.ticks() < ticks && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = status(c);
        }
        if (s.ticks() < ticks) {
            throw new IllegalStateException("the guest did not reach tick " + ticks + " within 30 s: " + s);
        }
        return s;
    }
}

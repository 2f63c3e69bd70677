package io.qmp4j.examples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.QueryMemorySizeSummary;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.testkit.qemu.QemuBuild;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import io.qmp4j.testkit.tls.Certificates;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.cli.ProgressPrinter;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.PostcopyReport;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.migration.dirtyrate.ConvergenceModel;
import io.qmp4j.migration.dirtyrate.ConvergencePrediction;
import io.qmp4j.migration.dirtyrate.DirtyRate;
import io.qmp4j.migration.dirtyrate.DirtyRateMeter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The README's main job: one running VM migrated live five times between QEMUs that the demo
 * starts itself: with shared storage, back with its disk copied (copy-storage over NBD),
 * encrypted with TLS (certificates made on the spot), over a link slower than the guest
 * dirties, finished with post-copy, and from QEMU 7.2 to QEMU 10.0 (the openEuler guide's
 * platform upgrade; skipped, saying so, where 10.0 is not installed). The guest (a small multiboot
 * kernel built with gcc) dirties memory and checks its own pages; after each hop the demo shows
 * it ticking on the new host with no integrity error, and compares the disk images. Every
 * process and file it made is removed at the end, also on Ctrl-C.
 */
public final class Demo {

    private static final int RAM_MIB = 512;
    private static final int WORKING_SET_MIB = 256;
    private static final int RATE_MIBPS = 64;
    private static final int DISK_MIB = 64;
    /** Every host's machine type: versioned, so that the 7.2 host's VM can move to the 10.0 host (QEMU 7.2's q35). */
    private static final String MACHINE = "pc-q35-7.2";
    /** The last hop's link: slower than the guest dirties ({@link #RATE_MIBPS}). */
    private static final int HOT_LINK_MIBPS = 32;

    private final Path work;
    private final Path cache;
    private final QmpResources resources = QmpResources.create();
    private final List<QemuProcess> qemus = new ArrayList<>();
    private final List<String> table = new ArrayList<>();
    private DirtyRate rate;
    /** The CLI's progress lines, indented: one per change, never the same twice. */
    private final ProgressPrinter progress = new ProgressPrinter(new java.io.PrintWriter(System.out, true), false, "  ");

    private Demo(Path work, Path cache) {
        this.work = work;
        this.cache = cache;
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("qmp4j-demo");
        Path cache = TestGuest.defaultCache();
        Demo demo = new Demo(work, cache);
        // Ctrl-C: QemuProcess's own hooks kill each QEMU by PID; this one removes the files.
        Thread cleanup = new Thread(demo::cleanUp, "qmp4j-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit;
        try {
            exit = demo.run();
        } finally {
            demo.cleanUp();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            return; // Ctrl-C: the hook has cleaned up
        }
        System.exit(exit);
    }

    private int run() throws Exception {
        System.out.println("qmp4j live migration demo (accelerator: " + Accelerator.detect() + ", work dir " + work + ")");
        Path diskA = work.resolve("disk-a.qcow2");
        Path diskB = work.resolve("disk-b.qcow2");
        HostTools.run("qemu-img", "create", "-q", "-f", "qcow2", diskA.toString(), DISK_MIB + "M");
        HostTools.run("qemu-img", "create", "-q", "-f", "qcow2", diskB.toString(), DISK_MIB + "M");
        HostTools.run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 16M", "-c", "write -P 0xa5 40M 8M", diskA.toString());
        System.out.println("disk: " + DISK_MIB + " MiB qcow2 with 24 MiB of data, " + diskA);

        // Host one: the running VM. Host two: a destination opening the same image (shared storage).
        QemuProcess one = start("host-1", diskA, false);
        QemuProcess two = start("host-2", diskA, true);
        if (!sharedHop(one, two, diskA)) {
            return 1;
        }
        // Host three: its own, empty image: the disk is copied while the VM runs.
        QemuProcess three = start("host-3", diskB, true);
        if (!copyHop(two, three, diskA, diskB)) {
            return 1;
        }
        QemuProcess four = start("host-4", diskB, true);
        if (!tlsHop(three, four, diskB)) {
            return 1;
        }
        QemuProcess five = start("host-5", diskB, true);
        if (!postcopyHop(four, five)) {
            return 1;
        }
        Optional<QemuBuild> qemu10 = QemuBuild.qemu10();
        if (qemu10.isPresent()) {
            if (!upgradeHop(five, start("host-6", diskB, true, qemu10.get()))) {
                return 1;
            }
        } else {
            System.out.println("\n[5/5] skipped: QEMU 10.0 is not installed (./run-demo provides it as root; or set "
                    + QemuBuild.QEMU10_ENV + " to a prefix holding it)");
            stop(five);
        }

        System.out.println();
        System.out.printf("%-16s %10s %10s %12s %12s%n", "migration", "total ms", "downtime", "RAM MiB", "disk MiB");
        table.forEach(System.out::println);
        System.out.println("\nOK: " + (qemu10.isPresent() ? "five" : "four") + " live migrations; the VM ran on every host with its"
                + " memory intact, and its disk arrived identical.");
        return 0;
    }

    /** The guide's platform upgrade: from the 7.2 host to a 10.0 host, both with the same versioned machine type. */
    private boolean upgradeHop(QemuProcess five, QemuProcess six) throws Exception {
        try (QmpClient c5 = connect(five); QmpClient c6 = connect(six)) {
            System.out.println("\n[5/5] host-5 -> host-6, a platform upgrade: QEMU " + version(c5) + " -> QEMU " + version(c6)
                    + ", both " + MACHINE + ", shared storage");
            MigrationResult r = migrate("upgrade 7.2->10", Migration.builder().source(c5).destination(c6)
                    .uri(MigrationUri.unix(six.socketPath("m5.sock"))).storage(Storage.shared()));
            return r != null && GuestChecks.healthy(c5, c6);
        } finally {
            stop(five);
            stop(six);
        }
    }

    private static String version(QmpClient c) {
        return c.greeting().map(g -> g.version().qemu().toString()).orElse("?");
    }

    private boolean sharedHop(QemuProcess one, QemuProcess two, Path diskA) throws Exception {
        try (QmpClient c1 = connect(one); QmpClient c2 = connect(two)) {
            TestGuest.GuestStatus s = GuestChecks.waitForTicks(c1, 2);
            System.out.println("guest on host-1: tick " + s.ticks() + ", " + s.pagesDirtied() + " pages dirtied, "
                    + s.integrityErrors() + " integrity errors");
            ConvergencePrediction p = predict(c1, 1L << 30);
            System.out.println("dirty rate: " + rate.mebibytesPerSecond() + " MiB/s (guest set to " + RATE_MIBPS
                    + "); at 1 GiB/s the model predicts: " + String.join("; ", p.advice()));

            System.out.println("\n[1/5] host-1 -> host-2, shared storage (both open " + diskA.getFileName() + ")");
            MigrationResult r = migrate("shared storage", Migration.builder().source(c1).destination(c2)
                    .uri(MigrationUri.unix(two.socketPath("m1.sock"))).storage(Storage.shared()));
            return r != null && GuestChecks.healthy(c1, c2);
        } finally {
            stop(one);
        }
    }

    private boolean copyHop(QemuProcess two, QemuProcess three, Path diskA, Path diskB) throws Exception {
        try (QmpClient c2 = connect(two); QmpClient c3 = connect(three)) {
            System.out.println("\n[2/5] host-2 -> host-3, copy-storage: the disk moves too (" + diskA.getFileName() + " -> "
                    + diskB.getFileName() + ", over NBD)");
            int port = LoopbackPorts.freePair();
            MigrationResult r = migrate("copy-storage", Migration.builder().source(c2).destination(c3)
                    .uri(MigrationUri.tcp("127.0.0.1", port)).storage(Storage.copyAll()));
            return r != null && GuestChecks.healthy(c2, c3) && GuestChecks.compare(diskA, diskB);
        } finally {
            stop(two);
        }
    }

    private boolean tlsHop(QemuProcess three, QemuProcess four, Path diskB) throws Exception {
        // Shared storage again, the stream encrypted with TLS.
        Certificates.Authority ca = Certificates.authority(work.resolve("ca"), "qmp4j demo CA");
        Path tls = ca.issueAll(work.resolve("tls"), List.of("localhost", "127.0.0.1"));
        System.out.println("\ncertificates made in " + tls + " (CA, server and client, valid for a day)");
        try (QmpClient c3 = connect(three); QmpClient c4 = connect(four)) {
            System.out.println("[3/5] host-3 -> host-4, TLS-encrypted, 2 channels (both open " + diskB.getFileName() + ")");
            MigrationResult r = migrate("TLS, multifd 2", Migration.builder().source(c3).destination(c4)
                    .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair())).tls(TlsCredentials.of(tls)).multifd(2));
            return r != null && GuestChecks.healthy(c3, c4);
        } finally {
            stop(three);
        }
    }

    /** A link slower than the guest dirties: pre-copy never converges; post-copy after one pass finishes it. */
    private boolean postcopyHop(QemuProcess four, QemuProcess five) throws Exception {
        try (QmpClient c4 = connect(four); QmpClient c5 = connect(five)) {
            long link = (long) HOT_LINK_MIBPS << 20;
            ConvergencePrediction p = predict(c4, link);
            System.out.println("\n[4/5] host-4 -> host-5, a hot guest: the link limited to " + HOT_LINK_MIBPS + " MiB/s, slower"
                    + " than the guest dirties (" + rate.mebibytesPerSecond() + " MiB/s); post-copy after the first pass");
            System.out.println("  the model: " + String.join("; ", p.advice()));
            MigrationResult r = migrate("post-copy", Migration.builder().source(c4).destination(c5)
                    .uri(MigrationUri.unix(five.socketPath("m4.sock"))).bandwidth(link).postcopy(Postcopy.afterPasses(1)));
            if (r == null) {
                return false;
            }
            PostcopyReport pc = r.postcopy().orElseThrow();
            System.out.printf("  post-copy took %.1f s in all (%.1f s of pre-copy, %d pages asked for by the destination);"
                    + " auto-converge was predicted to take %s%n", r.totalTime().toMillis() / 1000.0,
                    pc.precopyTime().toMillis() / 1000.0, pc.requests(), p.autoConvergeTime()
                            .map(t -> String.format("about %.0f s", t.toMillis() / 1000.0)).orElse("forever (it cannot converge)"));
            return GuestChecks.healthy(c4, c5);
        } finally {
            stop(four);
        }
    }

    /** Measures the guest's dirty rate and asks the model about a link of {@code bandwidth}. */
    private ConvergencePrediction predict(QmpClient c, long bandwidth) throws Exception {
        rate = DirtyRateMeter.measure(c, Duration.ofSeconds(1)).get(20, TimeUnit.SECONDS);
        long ram = c.execute(new QueryMemorySizeSummary()).get(5, TimeUnit.SECONDS).baseMemory();
        return ConvergenceModel.predict(rate, ram, (long) WORKING_SET_MIB << 20, bandwidth, Duration.ofMillis(300));
    }

    private QemuProcess start(String name, Path disk, boolean incoming) {
        return start(name, disk, incoming, QemuBuild.system());
    }

    private QemuProcess start(String name, Path disk, boolean incoming, QemuBuild build) {
        QemuProcess q = TestGuest.boot(QemuProcess.builder().build(build).machine(MACHINE).workDir(work).memoryMiB(RAM_MIB)
                        .paused(false), cache, WORKING_SET_MIB, RATE_MIBPS).name(name).incomingDefer(incoming)
                .lifetime(Duration.ofMinutes(10))
                .args("-serial", "file:" + work.resolve(name + "-serial.log"),
                        "-blockdev", "driver=file,filename=" + disk + ",node-name=disk0-file",
                        "-blockdev", "driver=qcow2,file=disk0-file,node-name=disk0",
                        "-device", "virtio-blk-pci,drive=disk0,id=vblk0")
                .start();
        synchronized (qemus) {
            qemus.add(q);
        }
        return q;
    }

    private QmpClient connect(QemuProcess q) throws Exception {
        QmpClient c = QmpClient.builder().endpoint(q.qmp()).resources(resources).name(q.name()).build();
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    private MigrationResult migrate(String what, Migration.Builder b) throws Exception {
        try {
            MigrationResult r = b.maxDowntime(Duration.ofMillis(300)).progressListener(progress::print).build().start()
                    .completion().get(180, TimeUnit.SECONDS);
            long disk = r.disks().stream().mapToLong(d -> d.copiedBytes()).sum();
            System.out.printf("  completed: total %d ms, downtime %d ms, %d MiB of RAM in %d passes%s%n", r.totalTime().toMillis(),
                    r.downtime().toMillis(), r.transferredBytes() >> 20, r.passes(),
                    disk > 0 ? ", " + (disk >> 20) + " MiB of disk" : "");
            table.add(String.format("%-16s %10d %10d %12d %12s", what, r.totalTime().toMillis(), r.downtime().toMillis(),
                    r.transferredBytes() >> 20, disk > 0 ? Long.toString(disk >> 20) : "-"));
            return r;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MigrationException m) {
                System.out.println("FAILED: the migration did not complete: " + m.getMessage());
                return null;
            }
            throw e;
        }
    }

    private void stop(QemuProcess q) {
        q.close();
    }

    /** Kills every QEMU by PID and deletes the work directory; safe to run twice, and from two threads at once. */
    private synchronized void cleanUp() {
        synchronized (qemus) {
            qemus.forEach(QemuProcess::close);   // SIGKILL by PID, and waits until each is gone
        }
        resources.close();
        if (!HostTools.deleteTree(work)) {
            System.err.println("could not remove " + work);
        }
    }
}

package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.HumanMonitorCommand;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.cli.Qmp4jCli;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import io.qmp4j.migration.DiskCopy;
import io.qmp4j.migration.ImageCreator;
import io.qmp4j.migration.DestinationPolicy;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationProgress.Phase;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.PreflightException;
import io.qmp4j.migration.Storage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Copy-storage (non-shared storage) migration of a running test guest with qcow2 disks full of
 * known data, between two real QEMU 7.2 processes: NBD on the destination, blockdev-mirror on the
 * source, mirrors ended at pre-switchover. Every image is compared with {@code qemu-img compare}
 * after both QEMUs exited.
 */
@Timeout(240)
class CopyStorageIT extends MigrationCase {

    private int port = 0;

    /** A disk of the test VM: its image on each side, and its device options. */
    private record Img(String id, Path src, Path dst, String srcFormat, String dstFormat, String deviceOptions) {
        List<String> args(boolean source) {
            Path f = source ? src : dst;
            String fmt = source ? srcFormat : dstFormat;
            return List.of("-blockdev", "driver=file,filename=" + f + ",node-name=" + id + "-file" + (deviceOptions.contains("read-only")
                            ? ",read-only=on" : ""),
                    "-blockdev", "driver=" + fmt + ",file=" + id + "-file,node-name=" + id + "-fmt"
                            + (deviceOptions.contains("read-only") ? ",read-only=on" : ""),
                    "-device", "virtio-blk-pci,drive=" + id + "-fmt,id=" + id + deviceOptions.replace(",read-only", ""));
        }
    }

    private Img img(String id, String srcSize, String dstSize) throws Exception {
        return img(id, srcSize, dstSize, "qcow2", "qcow2", "");
    }

    private Img img(String id, String srcSize, String dstSize, String srcFormat, String dstFormat, String options) throws Exception {
        Path s = qemus.dir().resolve(id + "-src." + srcFormat);
        Path d = qemus.dir().resolve(id + "-dst." + dstFormat);
        runTool("qemu-img", "create", "-q", "-f", srcFormat, s.toString(), srcSize);
        runTool("qemu-img", "create", "-q", "-f", dstFormat, d.toString(), dstSize);
        return new Img(id, s, d, srcFormat, dstFormat, options);
    }

    /** The same image file on both sides (shared storage for that disk). */
    private Img shared(String id, String size) throws Exception {
        return shared(id, size, "");
    }

    private Img shared(String id, String size, String options) throws Exception {
        Path s = qemus.dir().resolve(id + "-shared.qcow2");
        runTool("qemu-img", "create", "-q", "-f", "qcow2", s.toString(), size);
        return new Img(id, s, s, "qcow2", "qcow2", options);
    }

    /** Writes a pattern into an image (before its QEMU starts), as the guest would have. */
    private static void fill(Img i, String... writes) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", i.srcFormat()));
        for (String w : writes) {
            cmd.add("-c");
            cmd.add("write -P " + w);
        }
        cmd.add(i.src().toString());
        runTool(cmd.toArray(String[]::new));
    }

    private VmPair pair(int rateMiBps, Img... disks) throws Exception {
        UnaryOperator<QemuProcess.Builder> src = b -> {
            for (Img i : disks) {
                b.args(i.args(true).toArray(String[]::new));
            }
            return b;
        };
        UnaryOperator<QemuProcess.Builder> dst = b -> {
            for (Img i : disks) {
                b.args(i.args(false).toArray(String[]::new));
            }
            return b;
        };
        VmPair p = VmPair.start(qemus, resources, 256, 64, rateMiBps, b -> b, src, dst);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    private Migration.Builder migration(VmPair p, Storage storage) {
        // Loopback TCP: the NBD server listens on the migration port + 1.
        int base = 41000 + (int) (ProcessHandle.current().pid() % 2000) * 2 + (port += 4);
        return Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.tcp("127.0.0.1", base)).storage(storage);
    }

    /** Writes through the guest's own block backend on the running source, as a guest write would. */
    private static void guestWrite(QmpClient c, String disk, String pattern) {
        try {
            String out = c.execute(new HumanMonitorCommand("qemu-io -d /machine/peripheral/" + disk + "/virtio-backend \"write -P "
                    + pattern + "\"")).get(10, TimeUnit.SECONDS);
            assertTrue(out.isEmpty() || !out.toLowerCase().contains("error"), "qemu-io write " + pattern + ": " + out);
        } catch (Exception e) {
            throw new AssertionError("qemu-io write " + pattern + " failed", e);
        }
    }

    private static void quit(VmPair p) throws Exception {
        for (QemuProcess q : List.of(p.source, p.destination)) {
            QmpClient c = q == p.source ? p.src : p.dst;
            try {
                c.execute(new Quit()).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // quit may close the monitor before the reply arrives
            }
            assertTrue(q.awaitExit(Duration.ofSeconds(15)), q + " exited");
        }
    }

    private static void assertIdentical(Img i) throws Exception {
        runTool("qemu-img", "compare", "-q", i.src().toString(), i.dst().toString());
    }

    private static void assertPattern(Path image, String format, String... reads) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-r", "-f", format));
        for (String r : reads) {
            cmd.add("-c");
            cmd.add("read -P " + r);
        }
        cmd.add(image.toString());
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertTrue(!out.contains("Pattern verification failed") && proc.exitValue() == 0, image + ": " + out);
    }

    /** The guest runs on the destination, the source is postmigrate. */
    private static void assertGuestRunsOnDestination(VmPair p) throws Exception {
        assertEquals(RunState.RUNNING, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "destination runs");
        assertEquals(RunState.POSTMIGRATE, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "source is postmigrate");
        TestGuest.GuestStatus before = VmPair.status(p.dst);
        TestGuest.GuestStatus after = VmPair.awaitTicks(p.dst, before.ticks() + 2);
        if (KVM) {
            assertEquals(0, after.integrityErrors(), "guest memory intact");
        } else {
            System.out.println("memory integrity not asserted: no usable KVM here (QEMU 7.2 under TCG loses a few written pages)");
        }
    }

    private static void assertSourceRunning(VmPair p) throws Exception {
        assertEquals(RunState.RUNNING, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "source runs");
        VmPair.awaitTicks(p.src, VmPair.status(p.src).ticks() + 1);
    }

    // ------------------------------------------------------------------ the flow

    @Test
    void twoDisksFullOfDataArriveIdenticalAlsoWithWritesDuringTheCopy() throws Exception {
        Img a = img("vblk0", "512M", "512M");
        Img b = img("vblk1", "256M", "256M");
        fill(a, "0xa1 0 64M", "0xb2 100M 128M", "0xc3 500M 12M");
        fill(b, "0x5a 0 96M", "0x6b 200M 56M");
        VmPair p = pair(8, a, b);
        List<String> written = new ArrayList<>();
        Consumer<MigrationProgress> writer = pr -> {
            // Guest writes while the mirrors copy, once they are in sync, and while RAM moves.
            if (pr.phase() == Phase.STORAGE && written.isEmpty() && pr.disks().stream().anyMatch(d -> d.copiedBytes() > 0)) {
                guestWrite(p.src, "vblk0", "0xd4 50M 2M");
                written.add("0xd4 50M 2M");
            } else if (pr.phase() == Phase.STORAGE && written.size() == 1 && pr.disks().stream().allMatch(DiskCopy::ready)) {
                guestWrite(p.src, "vblk1", "0xe5 10M 1M");
                written.add("0xe5 10M 1M");
            } else if (pr.phase() == Phase.MIGRATING && written.size() == 2) {
                guestWrite(p.src, "vblk0", "0xf6 300M 3M");
                written.add("0xf6 300M 3M");
            }
        };
        long t0 = System.nanoTime();
        MigrationResult r = migration(p, Storage.copyAll()).maxDowntime(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(50))
                .progressListener(writer).build().start().completion().get(180, TimeUnit.SECONDS);
        long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(r.succeeded());
        assertEquals(2, r.disks().size(), r.disks().toString());
        long copied = r.disks().stream().mapToLong(DiskCopy::copiedBytes).sum();
        long mirrorMs = r.disks().stream().mapToLong(d -> d.elapsed().toMillis()).max().orElse(0);
        System.out.printf("copy-storage, 768 MiB of disks (~356 MiB written): copied %d MiB, mirrors %d ms (%.1f s/GiB),"
                        + " RAM total %d ms, downtime %d ms, wall %d ms; guest writes during the copy: %s%n", copied >> 20, mirrorMs,
                mirrorMs / 1000.0 / (copied / (double) (1L << 30)), r.totalTime().toMillis(), r.downtime().toMillis(), wall, written);
        assertEquals(3, written.size(), "the writer wrote in every phase: " + written);
        assertTrue(r.disks().stream().allMatch(d -> d.writeBlocking() == onQemu10()), "QEMU 8.2 and newer (10.0 here) switch"
                + " the mirrors in sync to write-blocking before the RAM moves; 7.2 cannot, they stay in background: " + r.disks());
        assertGuestRunsOnDestination(p);
        assertNoStorageLeftovers(p.src, p.dst);
        quit(p);
        assertIdentical(a);
        assertIdentical(b);
        assertPattern(a.dst(), "qcow2", "0xa1 0 50M", "0xd4 50M 2M", "0xa1 52M 12M", "0xb2 100M 128M", "0xf6 300M 3M", "0xc3 500M 12M");
        assertPattern(b.dst(), "qcow2", "0x5a 0 10M", "0xe5 10M 1M", "0x5a 11M 85M", "0x6b 200M 56M");
    }

    @Test
    void migrateDisksCopiesTheSelectedDiskAndKeepsTheSharedOne() throws Exception {
        Img a = img("vblk0", "128M", "128M");
        Img s = shared("vblk1", "64M");
        fill(a, "0x11 0 32M");
        VmPair p = pair(8, a, s);
        MigrationResult r = migration(p, Storage.copy("vblk0")).build().start().completion().get(120, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertEquals(List.of("vblk0"), r.disks().stream().map(DiskCopy::disk).toList(), "only the selected disk was copied");
        assertGuestRunsOnDestination(p);
        quit(p);
        assertIdentical(a);
    }

    @Test
    void aDiskThatIsNeitherCopiedNorSharedIsRefusedAndUnsafeLetsTheCallerThrough() throws Exception {
        Img a = img("vblk0", "64M", "64M");
        Img b = img("vblk1", "64M", "64M");
        VmPair p = pair(8, a, b);
        PreflightException e = (PreflightException) failure(migration(p, Storage.copy("vblk0")).build().start().completion());
        assertTrue(e.getMessage().contains("disk 'vblk1' is not copied and not shared"), e.getMessage());
        // The caller takes responsibility: vblk1 stays behind (its destination image is the empty one).
        MigrationResult r = migration(p, Storage.copy("vblk0")).unsafe().build().start().completion().get(120, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertEquals(1, r.disks().size());
    }

    @Test
    void theGuidesStoragePrecautionsAreRefusedNamingTheDiskAndTheRule() throws Exception {
        Img same = shared("vsame", "64M");                                       // the same image on both ends
        Img size = img("vsize", "64M", "32M");                                   // sizes differ
        Img fmt = img("vfmt", "64M", "64M", "qcow2", "raw", "");                 // formats differ
        Img ro = img("vro", "16M", "16M", "qcow2", "qcow2", ",read-only");       // read-only
        Img shr = shared("vshr", "16M", ",share-rw=on");                        // a shared disk (share-rw)
        VmPair p = pair(8, same, size, fmt, ro, shr);

        String all = failure(migration(p, Storage.copyAll()).build().start().completion()).getMessage();
        assertTrue(all.contains("disk 'vsame': source and destination open the same image"), all);
        assertTrue(all.contains("disk 'vsize' is 67108864 bytes on the source but 33554432 on the destination"), all);
        assertTrue(all.contains("disk 'vfmt' is qcow2 on the source but raw on the destination"), all);
        assertTrue(!all.contains("'vro'") && !all.contains("'vshr'"), "read-only and shared disks are left out of copyAll(): " + all);

        String hybrid = failure(migration(p, Storage.copy("vro", "vshr")).build().start().completion()).getMessage();
        assertTrue(hybrid.contains("disk 'vro' is read-only: read-only disks are not copied"), hybrid);
        assertTrue(hybrid.contains("disk 'vshr' is shared (share-rw=on): a shared disk cannot be copied"), hybrid);
        assertTrue(hybrid.contains("disk 'vsize' is not copied and not shared"), hybrid);

        // A disk that does not exist cannot be copied, unsafe or not.
        PreflightException none = (PreflightException) failure(migration(p, Storage.copy("sda")).unsafe().build().start()
                .completion());
        assertTrue(none.getMessage().contains("no disk 'sda' on the source; its disks are vsame (node vsame-fmt)"), none.getMessage());
        assertEquals(MigrationResult.Outcome.REFUSED, none.result().outcome());

        // Nothing was changed on either side, and both still run/wait.
        assertSourceRunning(p);
        assertEquals(RunState.INMIGRATE, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertNoStorageLeftovers(p.src, p.dst);
    }

    @Test
    void destinationImagesMadeThroughQmpReceiveTheCopy() throws Exception {
        // Any QEMU on the destination host can make the images before the destination VM starts.
        QemuProcess helper = qemus.start(qemus.qemu("helper").machine("none").paused(true));
        QmpClient h = client(helper.qmp(), QmpClient.builder());
        h.connect().get(10, TimeUnit.SECONDS);
        Path raw = qemus.dir().resolve("made.raw");
        ImageCreator.create(h, raw.toString(), "raw", 8L << 20).get(60, TimeUnit.SECONDS);
        Img a = img("vblk0", "192M", "16M"); // the destination image is replaced below
        ImageCreator.create(h, a.dst().toString(), "qcow2", 192L << 20).get(60, TimeUnit.SECONDS);
        Throwable bad = failure(ImageCreator.create(h, qemus.dir().resolve("no/such/dir.qcow2").toString(), "qcow2", 1L << 20), 30);
        assertTrue(bad.getMessage().contains("No such file or directory"), bad.toString());
        h.close();
        helper.close();
        assertTrue(info(raw).contains("\"format\": \"raw\"") && info(raw).contains("\"virtual-size\": 8388608"), info(raw));
        assertTrue(info(a.dst()).contains("\"format\": \"qcow2\"") && info(a.dst()).contains("\"virtual-size\": 201326592"),
                info(a.dst()));

        fill(a, "0x3c 0 64M", "0x4d 150M 40M");
        VmPair p = pair(8, a);
        MigrationResult r = migration(p, Storage.copyAll()).build().start().completion().get(120, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertGuestRunsOnDestination(p);
        quit(p);
        assertIdentical(a);
    }

    private static String info(Path image) throws Exception {
        Process proc = new ProcessBuilder("qemu-img", "info", "-U", "--output=json", image.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        assertTrue(proc.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void theCliCopiesTheSelectedDiskAndRefusesTheSameImageWithExitTwo() throws Exception {
        Img a = img("vblk0", "128M", "128M");
        Img s = shared("vblk1", "32M");
        fill(a, "0x21 0 48M");
        VmPair p = pair(8, a, s);
        String src = p.sourceMonitor2().toString();
        String dst = p.destinationMonitor2().toString();
        String uri = "tcp:127.0.0.1:" + (42000 + (int) (ProcessHandle.current().pid() % 2000) * 2);

        // Every disk: vblk1 is one image opened by both ends, which copying would destroy.
        Cli.Run refused = Cli.run("migrate", "--source", src, "--dest", dst, "--uri", uri, "--copy-storage-all", "--json");
        assertEquals(Qmp4jCli.EXIT_USAGE, refused.exit(), refused.out() + refused.err());
        JsonNode rj = new ObjectMapper().readTree(refused.out());
        assertEquals("refused", rj.get("status").asText());
        assertTrue(rj.get("error").asText().contains("disk 'vblk1': source and destination open the same image"), refused.out());

        Cli.Run ok = Cli.run("migrate", "--source", src, "--dest", dst, "--uri", uri, "--copy-storage-all", "--migrate-disks", "vblk0",
                "--json");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        JsonNode j = new ObjectMapper().readTree(ok.out());
        assertEquals("completed", j.get("status").asText());
        assertEquals(1, j.get("disks").size(), ok.out());
        assertEquals("vblk0", j.get("disks").get(0).get("disk").asText());
        assertTrue(j.get("disks").get(0).get("copied-bytes").asLong() >= 48L << 20, ok.out());
        assertGuestRunsOnDestination(p);
        quit(p);
        assertIdentical(a);
    }

    // ------------------------------------------------------------------ cancel and failure

    /** Starts a copy-storage migration of a 256 MiB disk that lasts long enough to be interrupted in {@code phase}. */
    private MigrationHandle startAndReach(VmPair p, String phase, DestinationPolicy onFailure) throws Exception {
        Migration.Builder m = migration(p, phase.equals("STORAGE") ? Storage.copyAll().mirrorSpeed(16L << 20) : Storage.copyAll())
                .onFailure(onFailure).pollInterval(Duration.ofMillis(50));
        if (phase.equals("MIGRATING")) {
            m.bandwidthMiBps(8); // RAM moves slowly: time to interrupt it
        }
        CompletableFuture<Void> reached = new CompletableFuture<>();
        m.progressListener(pr -> {
            if (pr.phase().name().equals(phase) && (phase.equals("MIGRATING") || pr.disks().get(0).copiedBytes() > 0)) {
                reached.complete(null);
            }
        });
        MigrationHandle h = m.build().start();
        reached.get(60, TimeUnit.SECONDS);
        return h;
    }

    private Img filledDisk() throws Exception {
        Img a = img("vblk0", "256M", "256M");
        fill(a, "0x77 0 128M");
        return a;
    }

    @ParameterizedTest(name = "cancelled during the {0} phase")
    @ValueSource(strings = {"STORAGE", "MIGRATING"})
    void cancelLeavesTheSourceRunningOnCleanDisksAndNothingBehind(String phase) throws Exception {
        Img a = filledDisk();
        VmPair p = pair(phase.equals("MIGRATING") ? 96 : 8, a);
        MigrationHandle h = startAndReach(p, phase, DestinationPolicy.KEEP);
        h.cancel();
        MigrationException e = failure(h.completion());
        assertEquals(MigrationResult.Outcome.CANCELLED, e.result().outcome(), e.getMessage());
        assertTrue(e.result().rolledBack().stream().anyMatch(s -> s.contains("cancelled the mirror of disk 'vblk0'")),
                e.result().rolledBack().toString());
        assertSourceRunning(p);
        assertNoStorageLeftovers(p.src, p.dst.state() == io.qmp4j.core.QmpState.RUNNING ? p.dst : null);
        quit(p);
        runTool("qemu-img", "check", "-q", a.src().toString());
    }

    @ParameterizedTest(name = "destination killed during the {0} phase")
    @ValueSource(strings = {"STORAGE", "MIGRATING"})
    void aDestinationKilledMidwayLeavesTheSourceRunningOnCleanDisks(String phase) throws Exception {
        Img a = filledDisk();
        VmPair p = pair(phase.equals("MIGRATING") ? 96 : 8, a);
        MigrationHandle h = startAndReach(p, phase, DestinationPolicy.QUIT);
        p.destination.signal("KILL");
        MigrationException e = failure(h.completion());
        assertEquals(MigrationResult.Outcome.FAILED, e.result().outcome(), e.getMessage());
        assertSourceRunning(p);
        assertNoStorageLeftovers(p.src, null);
        p.src.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
        assertTrue(p.source.awaitExit(Duration.ofSeconds(15)));
        runTool("qemu-img", "check", "-q", a.src().toString());
    }
}

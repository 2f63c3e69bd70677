package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.schema.QmpSchema;
import io.qmp4j.migration.Compression;
import io.qmp4j.migration.DiskCopy;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.PreflightException;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.testkit.qemu.QemuBuild;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.tls.Certificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * QEMU 10.0 beside the system's 7.2 (the SDK's flows between two 10.0s are the {@code …Qemu10IT}
 * classes): the openEuler guide's upgrade scenario (7.2 → 10.0 with the same versioned machine
 * type: shared storage, copy-storage, TLS with multifd, post-copy), the other direction, and
 * what 10.0 no longer has refused before anything starts. QEMU 10.0 is Debian's build from
 * bookworm-backports, which {@code ./run-tests} unpacks into the user's cache.
 */
@Timeout(240)
class UpgradeIT extends MigrationCase {

    /** The machine type both ends of a cross-version migration must share. */
    private static final String MACHINE_72 = "pc-q35-7.2";

    private static UnaryOperator<QemuProcess.Builder> on(QemuBuild b) {
        return x -> x.build(b);
    }

    /** A running guest with one qcow2 disk and its destination with its own, each side on the given build and machine. */
    private VmPair pair(String storage, QemuBuild src, QemuBuild dst, String machine) throws Exception {
        Path srcImg = qemus.dir().resolve("src.qcow2");
        Path dstImg = qemus.dir().resolve("dst.qcow2");
        boolean copy = storage.equals("copy-storage");
        diskImages(srcImg, copy ? dstImg : srcImg, "64M", "write -P 0x3d 0 32M");
        Path d = copy ? dstImg : srcImg;
        // For post-copy, a guest that dirties faster than the link (see migration()): pre-copy cannot converge.
        int rate = storage.equals("postcopy") ? 256 : 8;
        VmPair p = VmPair.start(qemus, resources, 256, 96, rate, true, b -> b.machine(machine), b -> withDisk(b.build(src), srcImg),
                b -> withDisk(b.build(dst), d));
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    private Migration.Builder migration(VmPair p, String flow) throws Exception {
        Migration.Builder m = Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair()));
        switch (flow) {
            case "copy-storage" -> m.storage(Storage.copyAll());
            case "tls-multifd" -> m.multifd(2).tls(TlsCredentials.of(Certificates.authority(qemus.dir().resolve("ca"), "upgrade CA")
                    .issueAll(qemus.dir().resolve("tls"), List.of("localhost", "127.0.0.1"))));
            case "postcopy" -> m.bandwidthMiBps(48).postcopy(Postcopy.afterPasses(1));
            default -> { }
        }
        return m;
    }

    /** Both QEMUs exit; a copied disk must then be identical to the source's. */
    private void assertDisksIdentical(VmPair p, String flow) throws Exception {
        if (!flow.equals("copy-storage")) {
            return;
        }
        p.src.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
        p.dst.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
        assertTrue(p.source.awaitExit(Duration.ofSeconds(15)) && p.destination.awaitExit(Duration.ofSeconds(15)));
        runTool("qemu-img", "compare", "-q", qemus.dir().resolve("src.qcow2").toString(), qemus.dir().resolve("dst.qcow2").toString());
    }

    @ParameterizedTest(name = "QEMU 7.2 to 10.0, {0}")
    @ValueSource(strings = {"shared", "copy-storage", "tls-multifd", "postcopy"})
    void theGuidesUpgradeFrom72To100(String flow) throws Exception {
        VmPair p = pair(flow, QemuBuild.system(), qemu10(), MACHINE_72);
        assertTrue(p.dst.greeting().orElseThrow().version().qemu().toString().startsWith("10.0"));
        MigrationResult r = migration(p, flow).build().start().completion().get(120, TimeUnit.SECONDS);
        System.out.printf("7.2 -> 10.0 %s: total %d ms, downtime %d ms%n", flow, r.totalTime().toMillis(), r.downtime().toMillis());
        assertEquals(flow.equals("postcopy"), r.postcopy().isPresent(), "post-copy ran when asked: " + r.postcopy());
        assertTrue(r.disks().stream().noneMatch(DiskCopy::writeBlocking), "the 7.2 source cannot switch its mirrors"
                + " to write-blocking (no block-job-change): " + r.disks());
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
        assertDisksIdentical(p, flow);
    }

    @Test
    void fromQemu10BackTo72() throws Exception {
        VmPair p = pair("shared", qemu10(), QemuBuild.system(), MACHINE_72);
        try {
            MigrationResult r = migration(p, "shared").build().start().completion().get(120, TimeUnit.SECONDS);
            System.out.printf("10.0 -> 7.2 (%s): completed, total %d ms%n", MACHINE_72, r.totalTime().toMillis());
            assertGuestHealthyOn(p);
        } catch (java.util.concurrent.ExecutionException e) {
            MigrationException m = (MigrationException) e.getCause();
            System.out.println("10.0 -> 7.2 (" + MACHINE_72 + "): " + m.getMessage());
            assertSourceRunningAndTicking(p);
            assertNothingOfOurs(p.src, null);
            throw new AssertionError("a 10.0 -> 7.2 migration with the same machine type failed: " + m.getMessage(), m);
        }
    }

    @Test
    void machineTypesThatDifferAcrossVersionsAreRefused() throws Exception {
        VmPair p = VmPair.start(qemus, resources, 256, 16, 4, b -> b, b -> b, on(qemu10()));
        pairs.add(p);
        PreflightException e = (PreflightException) failure(migration(p, "shared").build().start().completion(), 30);
        System.out.println("7.2 q35 -> 10.0 q35: " + e.problems());
        assertTrue(e.problems().stream().anyMatch(s -> s.contains("machine types differ") && s.contains("pc-q35-10.0")),
                e.problems().toString());
    }

    @Test
    void whatQemu10NoLongerHasIsRefusedBeforeAnythingStarts() throws Exception {
        QemuBuild q10 = qemu10();
        VmPair p = VmPair.start(qemus, resources, 256, 16, 4, on(q10), b -> b);
        pairs.add(p);
        QmpSchema schema = p.src.schema().get(10, TimeUnit.SECONDS);
        assertTrue(schema.hasCommand("query-migrationthreads"), "10.0 has query-migrationthreads");
        assertFalse(schema.argumentEnumValues("migrate-set-capabilities", "capabilities", "capability").contains("compress"),
                "10.0 has no compress capability");
        String before = settings(p.dst);
        PreflightException e = (PreflightException) failure(migration(p, "shared").compression(Compression.legacy(1, 2, 2)).build()
                .start().completion(), 30);
        System.out.println("legacy compression on 10.0: " + e.problems());
        assertTrue(e.problems().stream().anyMatch(s -> s.contains("'compress'") && s.contains("Compression.multifd")),
                e.problems().toString());
        assertEquals(RunState.INMIGRATE, p.dst.execute(new io.qmp4j.core.qapi.QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertEquals(before, settings(p.dst), "nothing was changed");
    }
}

package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.qapi.BlockDeviceInfo;
import io.qmp4j.core.qapi.QueryBlockJobs;
import io.qmp4j.core.qapi.QueryJobs;
import io.qmp4j.core.qapi.QueryNamedBlockNodes;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.TestGuest;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** A test that migrates the test guest between pairs of QEMUs: builds the guest once, closes every pair's clients. */
abstract class MigrationCase extends RealQemuCase {

    /** Memory-integrity assertions need KVM: QEMU 7.2 under TCG was seen to lose a few written pages. */
    protected static final boolean KVM = Accelerator.detect() == Accelerator.KVM;
    protected final List<VmPair> pairs = new ArrayList<>();

    @BeforeAll
    static void buildGuest() {
        TestGuest.kernel(VmPair.cache());
    }

    @AfterEach
    void closePairs() {
        pairs.forEach(VmPair::close);
    }

    /**
     * Makes two qcow2 images of {@code size}; {@code qemuIo} commands (e.g. {@code "write -P 0x3d 0 64M"})
     * fill the first.
     */
    protected static void diskImages(java.nio.file.Path srcImg, java.nio.file.Path dstImg, String size, String... qemuIo)
            throws Exception {
        runTool("qemu-img", "create", "-q", "-f", "qcow2", srcImg.toString(), size);
        runTool("qemu-img", "create", "-q", "-f", "qcow2", dstImg.toString(), size);
        List<String> io = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (String c : qemuIo) {
            io.addAll(List.of("-c", c));
        }
        io.add(srcImg.toString());
        runTool(io.toArray(String[]::new));
    }

    /**
     * A running guest (256 MiB, dirtying 8 MiB/s, never writing to its disk) with one virtio disk
     * opening the qcow2 image {@code srcImg}, and its destination opening {@code dstImg}.
     */
    protected VmPair diskPair(java.nio.file.Path srcImg, java.nio.file.Path dstImg) throws Exception {
        VmPair p = VmPair.start(qemus, resources, 256, 192, 8, true, b -> b, b -> withDisk(b, srcImg), b -> withDisk(b, dstImg));
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    protected static io.qmp4j.testkit.qemu.QemuProcess.Builder withDisk(io.qmp4j.testkit.qemu.QemuProcess.Builder b,
                                                                       java.nio.file.Path img) {
        return b.args("-blockdev", "driver=file,filename=" + img + ",node-name=f", "-blockdev", "driver=qcow2,file=f,node-name=d",
                "-device", "virtio-blk-pci,drive=d,id=vblk0");
    }

    /** The {@link MigrationException} a migration failed with, within 120 s. */
    protected static MigrationException failure(CompletableFuture<MigrationResult> f) throws Exception {
        return migrationFailure(f, 120);
    }

    /** The {@link MigrationException} a migration failed with, within {@code seconds}. */
    protected static MigrationException migrationFailure(CompletableFuture<MigrationResult> f, long seconds) throws Exception {
        return assertInstanceOf(MigrationException.class, failure(f, seconds));
    }

    /** No mirror job or NBD client node of the SDK on the source, no export on the destination (when given). */
    protected static void assertNoStorageLeftovers(QmpClient src, QmpClient dst) throws Exception {
        assertEquals(List.of(), src.execute(new QueryBlockJobs()).get(5, TimeUnit.SECONDS), "no block job on the source");
        assertEquals(List.of(), src.execute(new QueryJobs()).get(5, TimeUnit.SECONDS), "no job on the source");
        for (BlockDeviceInfo n : src.execute(new QueryNamedBlockNodes()).get(5, TimeUnit.SECONDS)) {
            assertTrue(n.nodeName() == null || !n.nodeName().startsWith("qmp4j-"), "NBD node left on the source: " + n.nodeName());
        }
        if (dst != null) {
            JsonNode exports = dst.execute(QmpCommand.raw("query-block-exports")).get(5, TimeUnit.SECONDS);
            assertEquals(0, exports.size(), "no export left on the destination: " + exports);
        }
    }

    /** No QOM object of the SDK (TLS credentials, secret, authz list) left under /objects. */
    protected static void assertNoSdkObjects(QmpClient c) throws Exception {
        JsonNode objects = c.execute(QmpCommand.raw("qom-list", JsonNodeFactory.instance.objectNode().put("path", "/objects")))
                .get(5, TimeUnit.SECONDS);
        for (JsonNode o : objects) {
            assertTrue(!o.path("name").asText().contains("qmp4j-"), "object left behind on " + c.endpoint() + ": " + o);
        }
    }

    /** The VM runs on the destination, ticking, its memory intact (under KVM); the source is postmigrate. */
    protected static void assertGuestHealthyOn(VmPair p) throws Exception {
        assertEquals(RunState.RUNNING, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "destination runs");
        assertEquals(RunState.POSTMIGRATE, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "source is postmigrate");
        TestGuest.GuestStatus before = VmPair.status(p.dst);
        assertTrue(before.booted(), "the guest's status block arrived");
        TestGuest.GuestStatus after = VmPair.awaitTicks(p.dst, before.ticks() + 2);
        assertTrue(after.pagesDirtied() > before.pagesDirtied() || after.pagesDirtied() == 0, "the guest keeps dirtying");
        if (KVM) {
            assertEquals(0, after.integrityErrors(), "pages the guest wrote before the migration hold what it wrote");
        } else {
            System.out.println("memory integrity not asserted: no usable KVM here, and QEMU 7.2 under TCG was seen to lose"
                    + " a few written pages in migrations (guest reports " + after.integrityErrors() + " errors)");
        }
    }

    /** The source VM runs and ticks. */
    protected static void assertSourceRunningAndTicking(VmPair p) throws Exception {
        assertEquals(RunState.RUNNING, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "source runs");
        TestGuest.GuestStatus s = VmPair.status(p.src);
        VmPair.awaitTicks(p.src, s.ticks() + 1);
    }

    /** A QEMU's migration parameters and capabilities as text, to compare before and after a job. */
    protected static String settings(QmpClient c) throws Exception {
        return c.execute(QmpCommand.raw("query-migrate-parameters")).get(5, TimeUnit.SECONDS) + " "
                + c.execute(QmpCommand.raw("query-migrate-capabilities")).get(5, TimeUnit.SECONDS);
    }

    /** Nothing of qmp4j's on the QEMU: no object (record, TLS), and on a source no mirror job or NBD node. */
    protected static void assertNothingOfOurs(QmpClient src, QmpClient dst) throws Exception {
        assertNoSdkObjects(src);
        assertNoStorageLeftovers(src, dst);
        if (dst != null) {
            assertNoSdkObjects(dst);
        }
    }

    /** A client on a QEMU's second monitor, closed with the test. */
    protected QmpClient connect(io.qmp4j.core.QmpEndpoint monitor) throws Exception {
        QmpClient c = client(monitor, QmpClient.builder());
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }
}

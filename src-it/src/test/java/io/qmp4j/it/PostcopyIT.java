package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.PostcopyReport;
import io.qmp4j.migration.Storage;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Post-copy as a mode, on one host: a guest that dirties memory faster than the link finishes in
 * about one pass; the switch on demand; copy-storage with post-copy (the mirrors end first).
 * Link faults during post-copy are in {@link TwoHostsIT}.
 */
class PostcopyIT extends MigrationCase {

    private VmPair hotPair() throws Exception {
        // 128 MiB dirtied at 256 MiB/s against a 48 MiB/s link: pre-copy never converges.
        VmPair p = VmPair.start(qemus, resources, 256, 128, 256, b -> b, b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    private Migration.Builder migration(VmPair p) {
        return Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.unix(qemus.dir().resolve("pc.sock")))
                .bandwidthMiBps(48);
    }

    @Test
    void aGuestFasterThanTheLinkFinishesWithPostcopyAfterTheFirstPass() throws Exception {
        VmPair p = hotPair();
        java.util.List<io.qmp4j.migration.MigrationProgress> inPostcopy = new java.util.concurrent.CopyOnWriteArrayList<>();
        MigrationResult r = migration(p).postcopy(Postcopy.afterPasses(1)).pollInterval(java.time.Duration.ofMillis(100))
                .progressListener(pr -> {
                    if (pr.phase() == io.qmp4j.migration.MigrationProgress.Phase.POSTCOPY) {
                        inPostcopy.add(pr);
                    }
                }).build().start().completion().get(120, TimeUnit.SECONDS);
        assertTrue(!inPostcopy.isEmpty(), "progress reported the post-copy phase");
        io.qmp4j.migration.MigrationProgress last = inPostcopy.get(inPostcopy.size() - 1);
        System.out.println("last post-copy progress: " + (last.remainingBytes() >> 20) + " MiB remaining, "
                + last.postcopyRequests() + " pages asked for by the destination");
        PostcopyReport pc = r.postcopy().orElseThrow(() -> new AssertionError("no post-copy report: " + r));
        System.out.printf("post-copy after the first pass: total %d ms (pre-copy %d ms), downtime %d ms, %d pages requested,"
                + " %d MiB in post-copy%n", r.totalTime().toMillis(), pc.precopyTime().toMillis(), r.downtime().toMillis(),
                pc.requests(), pc.bytes() >> 20);
        assertEquals(Boolean.TRUE, r.capabilities().get("postcopy-ram"));
        assertTrue(pc.bytes() > 0, "pages went in post-copy");
        assertEquals(0, pc.recoveries());
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
    }

    @Test
    void theSwitchOnDemandComesFromTheHandle() throws Exception {
        VmPair p = hotPair();
        MigrationHandle h = migration(p).postcopy(Postcopy.onDemand()).build().start();
        Thread.sleep(1500); // pre-copy runs and does not converge
        assertTrue(h.cancellable(), "pre-copy can still be cancelled");
        h.startPostcopy().get(30, TimeUnit.SECONDS);
        assertTrue(!h.cancellable(), "past the switch it cannot");
        MigrationResult r = h.completion().get(120, TimeUnit.SECONDS);
        System.out.printf("post-copy on demand: total %d ms, pre-copy %d ms%n", r.totalTime().toMillis(),
                r.postcopy().orElseThrow().precopyTime().toMillis());
        assertGuestHealthyOn(p);
    }

    @Test
    void copyStorageWithPostcopyEndsTheMirrorsBeforeTheSwitch() throws Exception {
        Path srcImg = qemus.dir().resolve("pc-src.qcow2");
        Path dstImg = qemus.dir().resolve("pc-dst.qcow2");
        diskImages(srcImg, dstImg, "64M", "write -P 0x3c 0 8M", "write -P 0xc3 32M 4M");
        VmPair p = VmPair.start(qemus, resources, 256, 128, 256, b -> b, b -> withDisk(b, srcImg), b -> withDisk(b, dstImg));
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        MigrationResult r = Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.tcp("127.0.0.1",
                        io.qmp4j.testkit.qemu.LoopbackPorts.freePair())).bandwidthMiBps(48).storage(Storage.copyAll())
                .postcopy(Postcopy.afterPasses(1)).build().start().completion().get(180, TimeUnit.SECONDS);
        System.out.printf("copy-storage + post-copy: total %d ms, pre-copy %d ms, disks %s%n", r.totalTime().toMillis(),
                r.postcopy().orElseThrow().precopyTime().toMillis(), r.disks());
        assertGuestHealthyOn(p);
        assertNothingOfOurs(p.src, p.dst);
        p.close();
        qemus.close(); // qemu-img needs the images' locks
        io.qmp4j.testkit.qemu.HostTools.run("qemu-img", "compare", "-q", srcImg.toString(), dstImg.toString());
    }
}

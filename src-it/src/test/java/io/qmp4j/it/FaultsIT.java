package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.core.qapi.QueryMigrateParameters;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.migration.DestinationPolicy;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.testkit.tls.Certificates;
import io.qmp4j.core.QmpCommand;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

/**
 * One QEMU killed (SIGKILL) at each phase of a copy-storage migration: setup, the mirror phase,
 * the RAM phase, and at pre-switchover (the source paused, every mirror in sync). Each time the
 * migration fails with a typed error in bounded time; when the source survives it runs, its
 * guest ticks, its disk passes {@code qemu-img check} and still equals a copy taken before, and
 * nothing of the migration is left on it.
 */
@Timeout(180)
class FaultsIT extends MigrationCase {

    @ParameterizedTest(name = "{0} killed during {1}")
    @CsvSource({"destination, SETUP", "destination, STORAGE", "destination, MIGRATING", "destination, SWITCHOVER",
            "source, SETUP", "source, STORAGE", "source, MIGRATING", "source, SWITCHOVER"})
    void aQemuKilledAtAnyPhaseFailsTheMigrationCleanly(String victim, String phase) throws Exception {
        Path srcImg = qemus.dir().resolve("src.qcow2");
        Path dstImg = qemus.dir().resolve("dst.qcow2");
        Path before = qemus.dir().resolve("before.qcow2");
        diskImages(srcImg, dstImg, "128M", "write -P 0x3d 0 64M", "write -P 0x4e 100M 8M");
        Files.copy(srcImg, before);
        VmPair p = diskPair(srcImg, dstImg);
        MigrationParameters paramsBefore = p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        QemuProcess killed = victim.equals("source") ? p.source : p.destination;

        // The listener runs on the migration's own thread: killing from it stops the flow exactly there.
        AtomicBoolean done = new AtomicBoolean();
        Migration.Builder m = Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair()))
                .storage(phase.equals("STORAGE") ? Storage.copyAll().mirrorSpeed(16L << 20) : Storage.copyAll())
                .pollInterval(Duration.ofMillis(50)).stepTimeout(Duration.ofSeconds(10))
                .progressListener(pr -> {
                    boolean at = pr.phase().name().equals(phase)
                            && (!phase.equals("STORAGE") || pr.disks().stream().anyMatch(d -> d.copiedBytes() > 0))
                            && (!phase.equals("MIGRATING") || pr.transferredBytes() > 0);
                    if (at && done.compareAndSet(false, true)) {
                        killed.signal("KILL");
                        killed.awaitExit(Duration.ofSeconds(5));
                    }
                });
        if (phase.equals("MIGRATING")) {
            m.bandwidthMiBps(32);
        }
        long t0 = System.nanoTime();
        MigrationHandle h = m.build().start();
        MigrationException e = migrationFailure(h.completion(), 90);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("%s killed during %s: failed after %d ms: %s%n", victim, phase, ms, e.getMessage());
        assertTrue(done.get(), "the kill happened in phase " + phase);
        assertEquals(MigrationResult.Outcome.FAILED, e.result().outcome(), e.getMessage());
        assertTrue(e.result().errorClass().isPresent() && e.result().errorMessage().isPresent());

        if (victim.equals("destination")) {
            assertEquals(RunState.RUNNING, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "the source runs");
            VmPair.awaitTicks(p.src, VmPair.status(p.src).ticks() + 1);
            assertNoStorageLeftovers(p.src, null);
            assertNoSdkObjects(p.src);
            assertEquals(paramsBefore, p.src.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS), "parameters restored");
            p.src.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
            assertTrue(p.source.awaitExit(Duration.ofSeconds(15)));
            runTool("qemu-img", "check", "-q", srcImg.toString());
            runTool("qemu-img", "compare", "-q", before.toString(), srcImg.toString());
        } else {
            // The VM is gone with its source; the destination, which never ran it, is told to quit.
            assertTrue(p.destination.awaitExit(Duration.ofSeconds(15)), "the destination QEMU exited");
            runTool("qemu-img", "check", "-q", srcImg.toString());
        }
    }

    @Test
    void aDestinationKeptAfterTheSourceDiedHasNothingOfTheMigrationLeft() throws Exception {
        // Copy-storage over TLS, the source killed mid-mirror, onFailure(KEEP): the destination
        // QEMU stays, and the SDK takes back from it what it set up there.
        Path srcImg = qemus.dir().resolve("src.qcow2");
        Path dstImg = qemus.dir().resolve("dst.qcow2");
        Path tls = Certificates.authority(qemus.dir().resolve("ca"), "faults CA").issueAll(qemus.dir().resolve("tls"),
                List.of("localhost", "127.0.0.1"));
        diskImages(srcImg, dstImg, "128M", "write -P 0x3d 0 64M");
        VmPair p = diskPair(srcImg, dstImg);
        MigrationParameters dstBefore = p.dst.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        AtomicBoolean done = new AtomicBoolean();
        MigrationHandle h = Migration.builder().source(p.src).destination(p.dst)
                .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair())).tls(TlsCredentials.of(tls))
                .storage(Storage.copyAll().mirrorSpeed(16L << 20)).onFailure(DestinationPolicy.KEEP)
                .pollInterval(Duration.ofMillis(50)).stepTimeout(Duration.ofSeconds(10))
                .progressListener(pr -> {
                    if (pr.phase().name().equals("STORAGE") && pr.disks().stream().anyMatch(d -> d.copiedBytes() > 0)
                            && done.compareAndSet(false, true)) {
                        p.source.signal("KILL");
                        p.source.awaitExit(Duration.ofSeconds(5));
                    }
                })
                .build().start();
        MigrationException e = migrationFailure(h.completion(), 90);
        System.out.println("source killed mid-mirror, destination kept: " + e.getMessage());
        assertTrue(done.get(), "the kill happened during the mirror phase");
        assertEquals("QemuGone", e.result().errorClass().orElseThrow(), e.getMessage());

        assertTrue(p.destination.isAlive(), "the destination QEMU was kept");
        assertNoStorageLeftovers(p.dst, p.dst); // no job, no node of ours, no export
        assertNoSdkObjects(p.dst);              // no TLS credentials, authz or secret
        assertEquals(dstBefore, p.dst.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS), "parameters restored");
        // The NBD server was stopped: another can start (and is stopped again).
        var addr = JsonNodeFactory.instance.objectNode().put("type", "inet");
        addr.putObject("data").put("host", "127.0.0.1").put("port", Integer.toString(LoopbackPorts.freePair()));
        p.dst.execute(QmpCommand.raw("nbd-server-start", JsonNodeFactory.instance.objectNode().set("addr", addr)))
                .get(5, TimeUnit.SECONDS);
        p.dst.execute(QmpCommand.raw("nbd-server-stop")).get(5, TimeUnit.SECONDS);
    }
}

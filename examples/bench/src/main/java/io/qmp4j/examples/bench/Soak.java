package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import io.qmp4j.testkit.tls.Certificates;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The soak: one running guest migrated back and forth, each time to a new QEMU, alternating
 * shared storage, copy-storage and TLS, while it dirties memory. Every migration must succeed,
 * the guest's tick counter never go backwards, its memory check hold (under KVM), and its disk
 * equal at the end a copy taken at the start; every 10 rounds it prints the JVM's threads, open
 * file descriptors and heap after a GC, which must stay flat.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.bench.Soak [ROUNDS]</pre>
 */
public final class Soak {

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        if (!run(rounds)) {
            System.exit(1);
        }
    }

    /**
     * @param rounds how many migrations
     * @return whether every check held
     * @throws Exception when QEMU cannot be started
     */
    public static boolean run(int rounds) throws Exception {
        Path work = Files.createTempDirectory("qmp4j-soak");
        Path cache = TestGuest.defaultCache();
        boolean kvm = Accelerator.detect() == Accelerator.KVM;
        Path[] disks = {work.resolve("disk-0.qcow2"), work.resolve("disk-1.qcow2")};
        Path original = work.resolve("original.qcow2");
        HostTools.run("qemu-img", "create", "-q", "-f", "qcow2", disks[0].toString(), "32M");
        HostTools.run("qemu-io", "-f", "qcow2", "-c", "write -P 0x6c 0 8M", "-c", "write -P 0x7d 20M 4M", disks[0].toString());
        Files.copy(disks[0], original);
        Path tls = Certificates.authority(work.resolve("ca"), "soak CA").issueAll(work.resolve("tls"), List.of("localhost", "127.0.0.1"));
        System.out.printf("soak: %d migrations of one guest (256 MiB RAM, 128 MiB dirtied at 32 MiB/s, a 32 MiB disk), %s%n",
                rounds, kvm ? "KVM" : "TCG (memory check not asserted)");
        boolean ok = true;
        QemuProcess current = null;
        try (QmpResources resources = QmpResources.create()) {
            int disk = 0;
            current = start(work, cache, "vm-0", disks[disk], false);
            long lastTick = 0;
            long t0 = System.nanoTime();
            for (int i = 1; i <= rounds && ok; i++) {
                String kind = switch (i % 3) {
                    case 1 -> "shared";
                    case 2 -> "copy-storage";
                    default -> "TLS";
                };
                int next = disk;
                if (kind.equals("copy-storage")) {
                    next = 1 - disk;
                    Files.deleteIfExists(disks[next]);
                    HostTools.run("qemu-img", "create", "-q", "-f", "qcow2", disks[next].toString(), "32M");
                }
                QemuProcess dest = start(work, cache, "vm-" + i, disks[next], true);
                try (QmpClient s = connect(resources, current); QmpClient d = connect(resources, dest)) {
                    Migration.Builder m = Migration.builder().source(s).destination(d)
                            .uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair()));
                    if (kind.equals("copy-storage")) {
                        m.storage(Storage.copyAll());
                    } else if (kind.equals("TLS")) {
                        m.tls(TlsCredentials.of(tls));
                    }
                    MigrationResult r = m.build().start().completion().get(180, TimeUnit.SECONDS);
                    RunState state = d.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status();
                    TestGuest.GuestStatus g = TestGuest.status(d);
                    if (!r.succeeded() || state != RunState.RUNNING || g.ticks() < lastTick || (kvm && g.integrityErrors() != 0)) {
                        System.out.printf("round %d (%s) FAILED: %s, destination %s, guest %s (last tick %d)%n", i, kind, r.outcome(),
                                state, g, lastTick);
                        ok = false;
                    }
                    lastTick = g.ticks();
                } catch (Exception e) {
                    System.out.printf("round %d (%s) FAILED: %s%n", i, kind, e);
                    ok = false;
                }
                current.close();
                current = dest;
                disk = next;
                if (i % 10 == 0 || i == rounds) {
                    System.out.printf("round %3d: %.0f s, guest tick %d; JVM threads %d, open fds %d, heap after GC %d KiB%n", i,
                            (System.nanoTime() - t0) / 1e9, lastTick, Thread.activeCount(), openFds(), ScaleBenchmark.heapAfterGc() >> 10);
                }
            }
            current.close();
            current = null;
            boolean same = HostTools.exec(Duration.ofSeconds(60), "qemu-img", "compare", "-q", original.toString(),
                    disks[disk].toString()).exit() == 0;
            System.out.println("the disk after " + rounds + " migrations " + (same ? "equals" : "DIFFERS FROM") + " the original");
            ok &= same;
        } finally {
            if (current != null) {
                current.close();
            }
            HostTools.deleteTree(work);
        }
        System.out.println(ok ? "soak OK" : "soak FAILED");
        return ok;
    }

    private static QemuProcess start(Path work, Path cache, String name, Path disk, boolean incoming) {
        return TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(256).paused(false), cache, 128, 32).name(name)
                .incomingDefer(incoming).lifetime(Duration.ofHours(2))
                .args("-blockdev", "driver=file,filename=" + disk + ",node-name=f", "-blockdev", "driver=qcow2,file=f,node-name=d",
                        "-device", "virtio-blk-pci,drive=d,id=vblk0")
                .start();
    }

    private static QmpClient connect(QmpResources resources, QemuProcess q) throws Exception {
        QmpClient c = QmpClient.builder().endpoint(q.qmp()).resources(resources).build();
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    private static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

}

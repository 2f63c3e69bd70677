package io.qmp4j.it;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A source QEMU running the test guest and a matching destination with -incoming defer, both connected. */
final class VmPair {

    final QemuProcess source;
    final QemuProcess destination;
    final QmpClient src;
    final QmpClient dst;

    private final Fresh fresh;
    private final String dstName;

    /** What it takes to start another destination for the same source. */
    private record Fresh(QemuTestSupport qemus, QmpResources resources, int ramMiB, int workingSetMiB, int rateMiBps, boolean fill,
                         UnaryOperator<QemuProcess.Builder> common) {
    }

    private VmPair(QemuProcess source, QemuProcess destination, QmpClient src, QmpClient dst, Fresh fresh, String dstName) {
        this.dstName = dstName;
        this.source = source;
        this.destination = destination;
        this.src = src;
        this.dst = dst;
        this.fresh = fresh;
    }

    /**
     * Starts another destination for this pair's source (the first one exited or was used), with
     * {@code dstOnly} after the shared arguments (e.g. its own disk image), and a second monitor.
     *
     * @return the new destination pair: same source, new destination, both connected
     */
    VmPair withNewDestination(String name, UnaryOperator<QemuProcess.Builder> dstOnly) throws Exception {
        Path dir = fresh.qemus().dir();
        QemuProcess d = fresh.qemus().start(dstOnly.apply(fresh.common().apply(TestGuest.boot(fresh.qemus().qemu(name)
                .memoryMiB(fresh.ramMiB()).paused(false), cache(), fresh.workingSetMiB(), fresh.rateMiBps(), fresh.fill()))
                .incomingDefer(true).args("-serial", "file:" + dir.resolve(name + "-serial.log"),
                        "-qmp", "unix:" + dir.resolve(name + "-2.qmp") + ",server=on,wait=off")));
        QmpClient dc = QmpClient.builder().endpoint(d.qmp()).resources(fresh.resources()).name(name).build();
        dc.connect().get(10, TimeUnit.SECONDS);
        return new VmPair(source, d, src, dc, fresh, name);
    }

    /** @return a second QMP monitor of the source, for a second client (QEMU serves one client per monitor) */
    io.qmp4j.core.QmpEndpoint sourceMonitor2() {
        return io.qmp4j.core.QmpEndpoint.unix(source.workDir().resolve(source.name() + "-2.qmp"));
    }

    /** @return a second QMP monitor of the destination */
    io.qmp4j.core.QmpEndpoint destinationMonitor2() {
        return io.qmp4j.core.QmpEndpoint.unix(destination.workDir().resolve(dstName + "-2.qmp"));
    }

    static Path cache() {
        return TestGuest.defaultCache();
    }

    /** Starts both; {@code common} adds what both command lines share, {@code dstOnly} what only the destination gets. */
    static VmPair start(QemuTestSupport qemus, QmpResources resources, int ramMiB, int workingSetMiB, int rateMiBps,
                        UnaryOperator<QemuProcess.Builder> common, UnaryOperator<QemuProcess.Builder> dstOnly) throws Exception {
        return start(qemus, resources, ramMiB, workingSetMiB, rateMiBps, common, b -> b, dstOnly);
    }

    /** Starts both; {@code srcOnly} and {@code dstOnly} come after {@code common} (e.g. each side's own disk images). */
    static VmPair start(QemuTestSupport qemus, QmpResources resources, int ramMiB, int workingSetMiB, int rateMiBps,
                        UnaryOperator<QemuProcess.Builder> common, UnaryOperator<QemuProcess.Builder> srcOnly,
                        UnaryOperator<QemuProcess.Builder> dstOnly) throws Exception {
        return start(qemus, resources, ramMiB, workingSetMiB, rateMiBps, false, common, srcOnly, dstOnly);
    }

    /** As above; with {@code fill} the guest writes its whole working set at once first (a migration then moves all of it). */
    static VmPair start(QemuTestSupport qemus, QmpResources resources, int ramMiB, int workingSetMiB, int rateMiBps, boolean fill,
                        UnaryOperator<QemuProcess.Builder> common, UnaryOperator<QemuProcess.Builder> srcOnly,
                        UnaryOperator<QemuProcess.Builder> dstOnly) throws Exception {
        return start("", qemus, resources, ramMiB, workingSetMiB, rateMiBps, fill, common, srcOnly, dstOnly);
    }

    /** As above, the QEMUs named {@code prefix + "src"} and {@code prefix + "dst"}: several pairs in one test. */
    static VmPair start(String prefix, QemuTestSupport qemus, QmpResources resources, int ramMiB, int workingSetMiB, int rateMiBps,
                        boolean fill, UnaryOperator<QemuProcess.Builder> common, UnaryOperator<QemuProcess.Builder> srcOnly,
                        UnaryOperator<QemuProcess.Builder> dstOnly) throws Exception {
        String sn = prefix + "src";
        String dn = prefix + "dst";
        QemuProcess s = qemus.start(srcOnly.apply(common.apply(TestGuest.boot(qemus.qemu(sn).memoryMiB(ramMiB).paused(false), cache(),
                workingSetMiB, rateMiBps, fill)).args("-serial", "file:" + qemus.dir().resolve(sn + "-serial.log"),
                "-qmp", "unix:" + qemus.dir().resolve(sn + "-2.qmp") + ",server=on,wait=off")));
        QemuProcess d = qemus.start(dstOnly.apply(common.apply(TestGuest.boot(qemus.qemu(dn).memoryMiB(ramMiB).paused(false),
                cache(), workingSetMiB, rateMiBps, fill)).incomingDefer(true).args("-serial", "file:" + qemus.dir().resolve(dn + "-serial.log"),
                "-qmp", "unix:" + qemus.dir().resolve(dn + "-2.qmp") + ",server=on,wait=off")));
        QmpClient sc = QmpClient.builder().endpoint(s.qmp()).resources(resources).name(sn).build();
        QmpClient dc = QmpClient.builder().endpoint(d.qmp()).resources(resources).name(dn).build();
        sc.connect().get(10, TimeUnit.SECONDS);
        dc.connect().get(10, TimeUnit.SECONDS);
        return new VmPair(s, d, sc, dc, new Fresh(qemus, resources, ramMiB, workingSetMiB, rateMiBps, fill, common), dn);
    }

    /** A pair of QEMUs started elsewhere (e.g. on two hosts), connected by the caller; it cannot make new destinations. */
    static VmPair of(QemuProcess source, QemuProcess destination, QmpClient src, QmpClient dst) {
        return new VmPair(source, destination, src, dst, null, destination.name());
    }

    static TestGuest.GuestStatus status(QmpClient c) throws Exception {
        return TestGuest.status(c);
    }

    /** Waits until the guest has ticked {@code ticks} seconds. */
    static TestGuest.GuestStatus awaitTicks(QmpClient c, long ticks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        TestGuest.GuestStatus s = status(c);
        while (s.ticks() < ticks && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = status(c);
        }
        if (s.ticks() < ticks) {
            throw new AssertionError("guest did not reach tick " + ticks + " within 30 s: " + s);
        }
        return s;
    }

    void close() {
        src.close();
        dst.close();
    }
}

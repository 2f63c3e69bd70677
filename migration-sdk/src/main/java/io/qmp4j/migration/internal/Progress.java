package io.qmp4j.migration.internal;

import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStats;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.migration.DiskCopy;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationProgress.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's progress: snapshots made from {@code query-migrate} samples and phase changes,
 * handed to the listener only when something in them changed. Where QEMU reports no dirty rate
 * yet (it does after a few passes), the rate is estimated from the passes: what was left to send
 * when a pass began is what the guest dirtied during the one before.
 */
final class Progress {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);

    private final Consumer<? super MigrationProgress> listener;
    private final Supplier<List<DiskCopy>> disks;
    private final long startNanos = System.nanoTime();
    private volatile MigrationProgress current;
    private MigrationProgress lastSent;
    private long pass;
    private long passStartNanos;
    private long estimatedDirtyRate;

    Progress(Consumer<? super MigrationProgress> listener, Supplier<List<DiskCopy>> disks) {
        this.listener = listener;
        this.disks = disks;
        this.current = new MigrationProgress(Phase.PREFLIGHT, MigrationStatus.NONE, 0, 0, 0, 0, 0, 0, Duration.ZERO, 0,
                Duration.ZERO, List.of(), 0);
    }

    MigrationProgress current() {
        return current;
    }

    /** A new pass began (MIGRATION_PASS). */
    synchronized void pass(long n) {
        pass = Math.max(pass, n);
    }

    /** A phase change, with no new sample. */
    synchronized void phase(Phase phase, MigrationStatus status) {
        MigrationProgress p = current;
        publish(new MigrationProgress(phase, status, pass, p.transferredBytes(), p.remainingBytes(), p.totalBytes(),
                p.dirtyBytesPerSecond(), p.throughputBytesPerSecond(), p.expectedDowntime(), p.cpuThrottlePercent(), elapsed(),
                disks.get(), p.postcopyRequests()));
    }

    /** A {@code query-migrate} sample. */
    synchronized void sample(Phase phase, MigrationStatus status, MigrationInfo i) {
        if (i == null || i.ram() == null) {
            phase(phase, status);
            return;
        }
        MigrationStats ram = i.ram();
        long pageSize = ram.pageSize() == null ? 4096 : ram.pageSize();
        long sync = Math.max(pass, nz(ram.dirtySyncCount()));
        if (sync > current.pass() && current.pass() > 0 && passStartNanos != 0) {
            long nanos = System.nanoTime() - passStartNanos;
            if (nanos > 0) {
                estimatedDirtyRate = (long) (nz(ram.remaining()) * 1e9 / nanos);
            }
        }
        if (sync > current.pass()) {
            passStartNanos = System.nanoTime();
        }
        pass = sync;
        long qemuRate = nz(ram.dirtyPagesRate()) * pageSize;
        publish(new MigrationProgress(phase, status, sync, nz(ram.transferred()), nz(ram.remaining()), nz(ram.total()),
                qemuRate > 0 ? qemuRate : estimatedDirtyRate, ram.mbps() == null ? 0 : (long) (ram.mbps() * 1_000_000 / 8),
                Duration.ofMillis(nz(i.expectedDowntime())), (int) nz(i.cpuThrottlePercentage()), elapsed(), disks.get(),
                nz(ram.postcopyRequests())));
    }

    private void publish(MigrationProgress p) {
        current = p;
        if (lastSent != null && sameButTime(lastSent, p)) {
            return;
        }
        lastSent = p;
        try {
            listener.accept(p);
        } catch (RuntimeException e) {
            log.warn("progress listener threw", e);
        }
    }

    private static boolean sameButTime(MigrationProgress a, MigrationProgress b) {
        return a.phase() == b.phase() && Objects.equals(a.status(), b.status()) && a.pass() == b.pass()
                && a.transferredBytes() == b.transferredBytes() && a.remainingBytes() == b.remainingBytes()
                && copied(a).equals(copied(b));
    }

    private static List<String> copied(MigrationProgress p) {
        return p.disks().stream().map(d -> d.copiedBytes() + "/" + d.ready()).toList();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}

package io.qmp4j.migration.dirtyrate;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.CalcDirtyRate;
import io.qmp4j.core.qapi.DirtyRateInfo;
import io.qmp4j.core.qapi.DirtyRateMeasureMode;
import io.qmp4j.core.qapi.DirtyRateStatus;
import io.qmp4j.core.qapi.KvmInfo;
import io.qmp4j.core.qapi.QueryDirtyRate;
import io.qmp4j.core.qapi.QueryKvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Measures a running guest's dirty rate, as virsh's {@code domdirtyrate-calc}: {@code calc-dirty-rate},
 * then {@code query-dirty-rate} until it is measured.
 *
 * @since 0.1
 */
public final class DirtyRateMeter {

    private DirtyRateMeter() {
    }

    /**
     * Measures with page sampling, which works everywhere.
     *
     * @param client the VM's client
     * @param calcTime how long to measure, 1 to 60 s
     * @return the rate
     */
    public static CompletableFuture<DirtyRate> measure(QmpClient client, Duration calcTime) {
        return measure(client, calcTime, DirtyRateMeasureMode.PAGE_SAMPLING, null);
    }

    /**
     * Measures. {@code dirty-bitmap} and {@code dirty-ring} need KVM (under TCG they crash QEMU
     * 7.2 with SIGSEGV): they are refused up front, with an {@link IllegalArgumentException},
     * when the VM does not run under KVM. {@code dirty-ring} also needs QEMU started with
     * {@code -accel kvm,dirty-ring-size=N}; QEMU refuses it otherwise.
     *
     * @param client the VM's client
     * @param calcTime how long to measure, 1 to 60 s
     * @param mode how to measure
     * @param samplePages pages sampled per GiB ({@code page-sampling} only), or {@code null} for QEMU's 512
     * @return the rate
     */
    public static CompletableFuture<DirtyRate> measure(QmpClient client, Duration calcTime, DirtyRateMeasureMode mode,
                                                       Long samplePages) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mode, "mode");
        long seconds = calcTime.toSeconds();
        if (seconds < 1 || seconds > 60 || calcTime.toMillis() % 1000 != 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("calc-time " + calcTime + " must be whole seconds in 1..60"));
        }
        if (samplePages != null && mode != DirtyRateMeasureMode.PAGE_SAMPLING) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("sample-pages applies to page-sampling only"));
        }
        CompletableFuture<KvmInfo> kvm = mode == DirtyRateMeasureMode.PAGE_SAMPLING
                ? CompletableFuture.completedFuture(new KvmInfo(true, true)) : client.execute(new QueryKvm());
        return kvm.thenCompose(k -> {
            if (!k.enabled()) {
                throw new CompletionException(new IllegalArgumentException("dirty-rate mode " + mode + " needs KVM, and this VM"
                        + " runs under TCG (QEMU 7.2 crashes measuring it): use page-sampling"));
            }
            CalcDirtyRate cmd = new CalcDirtyRate(seconds, null, samplePages,
                    mode == DirtyRateMeasureMode.PAGE_SAMPLING ? null : mode);
            return client.execute(cmd);
        }).thenCompose(x -> poll(client, calcTime, System.nanoTime() + calcTime.plusSeconds(10).toNanos()));
    }

    private static CompletableFuture<DirtyRate> poll(QmpClient client, Duration calcTime, long deadline) {
        Executor later = CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> null, later)
                .thenCompose(x -> client.execute(new QueryDirtyRate()))
                .thenCompose(info -> {
                    if (info.status() == DirtyRateStatus.MEASURED && info.dirtyRate() != null) {
                        return CompletableFuture.completedFuture(toRate(info, calcTime));
                    }
                    if (System.nanoTime() > deadline) {
                        return CompletableFuture.failedFuture(new IllegalStateException(
                                "dirty rate not measured within " + calcTime.plusSeconds(10) + " (status " + info.status() + ")"));
                    }
                    return poll(client, calcTime, deadline);
                });
    }

    private static DirtyRate toRate(DirtyRateInfo info, Duration calcTime) {
        List<Long> perVcpu = new ArrayList<>();
        if (info.vcpuDirtyRate() != null) {
            info.vcpuDirtyRate().forEach(v -> perVcpu.add(v.dirtyRate()));
        }
        return new DirtyRate(info.dirtyRate(), info.mode(), calcTime, perVcpu);
    }
}

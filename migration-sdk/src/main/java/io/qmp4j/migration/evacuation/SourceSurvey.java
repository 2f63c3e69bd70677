package io.qmp4j.migration.evacuation;

import io.qmp4j.core.qapi.QueryMemorySizeSummary;
import io.qmp4j.migration.dirtyrate.DirtyRateMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Before an evacuation starts: every source's dirty rate and RAM, measured on all at once; what cannot be read stays unknown. */
final class SourceSurvey {

    private static final Logger log = LoggerFactory.getLogger(SourceSurvey.class);

    /** What was learnt of one VM's source. */
    record Facts(int index, OptionalLong dirtyRate, long ramBytes) {
    }

    private SourceSurvey() {
    }

    /** @return each VM's facts, in the VMs' order */
    static List<Facts> of(List<Evacuation.Vm> vms, Duration measureFor) {
        List<CompletableFuture<Facts>> all = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            int index = i;
            Evacuation.Vm vm = vms.get(i);
            var src = vm.plan().source();
            CompletableFuture<Long> ram = src.execute(new QueryMemorySizeSummary()).thenApply(m -> m.baseMemory())
                    .exceptionally(x -> 0L);
            CompletableFuture<OptionalLong> rate = measureFor.isZero() ? CompletableFuture.completedFuture(OptionalLong.empty())
                    : DirtyRateMeter.measure(src, measureFor).thenApply(d -> OptionalLong.of(d.bytesPerSecond())).exceptionally(x -> {
                        log.debug("{}: dirty rate not measured: {}", vm.name(), x.getMessage());
                        return OptionalLong.empty();
                    });
            all.add(ram.thenCombine(rate, (m, d) -> new Facts(index, d, m)));
        }
        List<Facts> facts = new ArrayList<>();
        long deadline = System.nanoTime() + measureFor.plusSeconds(20).toNanos();
        for (int i = 0; i < all.size(); i++) {
            try {
                facts.add(all.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (Exception x) {
                log.debug("{}: not surveyed: {}", vms.get(i).name(), x.toString());
                facts.add(new Facts(i, OptionalLong.empty(), 0));
            }
        }
        return facts;
    }
}

package io.qmp4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.qapi.DirtyRateMeasureMode;
import io.qmp4j.core.qapi.QueryMemorySizeSummary;
import io.qmp4j.core.qapi.QueryMigrateParameters;
import io.qmp4j.migration.dirtyrate.ConvergenceModel;
import io.qmp4j.migration.dirtyrate.ConvergencePrediction;
import io.qmp4j.migration.dirtyrate.DirtyRate;
import io.qmp4j.migration.dirtyrate.DirtyRateMeter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** virsh {@code domdirtyrate-calc} plus a convergence prediction. */
@Command(name = "dirtyrate", description = "Measure the guest's dirty rate and predict whether a migration converges.")
final class DirtyRateCommand implements Callable<Integer> {

    @Mixin
    Common.Monitor monitor;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--calc-time", paramLabel = "SECONDS", defaultValue = "1", description = "how long to measure, 1-60 (default ${DEFAULT-VALUE})")
    int calcTime;

    @Option(names = "--sample-pages", paramLabel = "N", description = "pages sampled per GiB (page-sampling)")
    Long samplePages;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "page-sampling",
            description = "page-sampling, dirty-ring or dirty-bitmap (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--bandwidth", paramLabel = "MiB/s", description = "bandwidth to predict for (default: the VM's max-bandwidth)")
    Long bandwidthMiB;

    @Option(names = "--max-downtime", paramLabel = "MS", description = "downtime limit to predict for (default: the VM's downtime-limit)")
    Long downtimeMs;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DirtyRateMeasureMode m = DirtyRateMeasureMode.of(mode);
        if (!m.isKnown()) {
            throw new IllegalArgumentException("--mode " + mode + ": expected page-sampling, dirty-ring or dirty-bitmap");
        }
        try (Common.Session s = new Common.Session(monitor)) {
            DirtyRate rate = Common.get(DirtyRateMeter.measure(s.client, Duration.ofSeconds(calcTime), m, samplePages));
            long ram = Common.get(s.client.execute(new QueryMemorySizeSummary())).baseMemory();
            var params = Common.get(s.client.execute(new QueryMigrateParameters()));
            long bw = bandwidthMiB != null ? bandwidthMiB << 20 : params.maxBandwidth();
            long dt = downtimeMs != null ? downtimeMs : params.downtimeLimit();
            ConvergencePrediction p = ConvergenceModel.predict(rate, ram, ram, bw, Duration.ofMillis(dt));
            if (json) {
                ObjectNode o = Common.JSON.createObjectNode();
                o.put("dirty-rate-mib-per-s", rate.mebibytesPerSecond()).put("mode", rate.mode().value())
                        .put("calc-time-s", calcTime).put("ram-bytes", ram).put("bandwidth-bytes-per-s", bw).put("downtime-limit-ms", dt);
                o.set("vcpu-dirty-rate", Common.JSON.valueToTree(rate.perVcpu()));
                ObjectNode pr = o.putObject("prediction");
                pr.put("converges", p.converges()).put("passes", p.passes()).put("total-time-ms", p.totalTime().toMillis())
                        .put("expected-downtime-ms", p.expectedDowntime().toMillis())
                        .put("recommended-bandwidth-bytes-per-s", p.recommendedBandwidth()).put("auto-converge", p.autoConverge())
                        .put("required-throttle-percent", p.requiredThrottlePercent()).put("postcopy", p.postcopy());
                pr.set("advice", Common.JSON.valueToTree(p.advice()));
                spec.commandLine().getOut().println(Common.JSON.writeValueAsString(o));
            } else {
                var out = spec.commandLine().getOut();
                out.printf("Dirty rate: %d MiB/s (%s, %d s)%n", rate.mebibytesPerSecond(), rate.mode(), calcTime);
                if (!rate.perVcpu().isEmpty()) {
                    out.println("Per vCPU:   " + rate.perVcpu() + " MiB/s");
                }
                out.printf("At %d MiB/s with a %d ms downtime limit: %s%n", bw >> 20, dt, String.join("; ", p.advice()));
            }
            return 0;
        }
    }
}

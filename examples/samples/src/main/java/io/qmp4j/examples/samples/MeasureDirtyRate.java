package io.qmp4j.examples.samples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.qapi.QueryMemorySizeSummary;
import io.qmp4j.migration.dirtyrate.ConvergenceModel;
import io.qmp4j.migration.dirtyrate.ConvergencePrediction;
import io.qmp4j.migration.dirtyrate.DirtyRate;
import io.qmp4j.migration.dirtyrate.DirtyRateMeter;
import java.time.Duration;

/**
 * Measures how fast a running VM dirties its memory and predicts whether a migration at a
 * given bandwidth converges.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.samples.MeasureDirtyRate unix:/run/vm.qmp [MiB/s]</pre>
 */
public final class MeasureDirtyRate {

    private MeasureDirtyRate() {
    }

    public static void main(String[] args) throws Exception {
        long bandwidth = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        try (QmpClient qmp = QmpClient.builder().endpoint(QmpEndpoint.parse(args[0])).build()) {
            qmp.connect().join();
            // calc-dirty-rate for one second, then query-dirty-rate until it is measured.
            DirtyRate rate = DirtyRateMeter.measure(qmp, Duration.ofSeconds(1)).join();
            long ram = qmp.execute(new QueryMemorySizeSummary()).join().baseMemory();
            ConvergencePrediction p = ConvergenceModel.predict(rate, ram, ram, bandwidth, Duration.ofMillis(300));
            System.out.println("dirty rate: " + rate.mebibytesPerSecond() + " MiB/s");
            System.out.println("at " + (bandwidth >> 20) + " MiB/s: " + String.join("; ", p.advice()));
        }
    }
}

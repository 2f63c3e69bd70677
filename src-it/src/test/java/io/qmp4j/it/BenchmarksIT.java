package io.qmp4j.it;

import io.qmp4j.examples.bench.OrchestrationBenchmark;
import io.qmp4j.examples.bench.QmpBenchmark;
import io.qmp4j.examples.bench.Soak;
import io.qmp4j.examples.bench.TlsMigrationBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every benchmark once, at a tiny size, so that none rots (no figure is asserted), and a short soak. */
@Timeout(300)
class BenchmarksIT {

    @Test
    void tlsMigrationBenchmark() throws Exception {
        TlsMigrationBenchmark.main(new String[] {"1", "128", "8"});
    }

    @Test
    void qmpBenchmark() throws Exception {
        QmpBenchmark.run(200, 640, 5);
    }

    @Test
    void shortSoak() throws Exception {
        // Six migrations: each kind (shared, copy-storage, TLS) twice; every check of the long soak holds.
        org.junit.jupiter.api.Assertions.assertTrue(Soak.run(6));
    }

    @Test
    void orchestrationBenchmark() throws Exception {
        OrchestrationBenchmark.main(new String[] {"1", "128", "8"});
    }
}

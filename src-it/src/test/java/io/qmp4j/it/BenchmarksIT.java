package io.qmp4j.it;

import io.qmp4j.examples.bench.OrchestrationBenchmark;
import io.qmp4j.examples.bench.QmpBenchmark;
import io.qmp4j.examples.bench.ScaleBenchmark;
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
    void startupBenchmark() throws Exception {
        // The launcher at the top of the checkout (failsafe runs in src-it); the CLI jar is built by then.
        io.qmp4j.examples.bench.StartupBenchmark.run(1, java.nio.file.Path.of("..", "qmp4j"));
    }

    @Test
    void qmpBenchmark() throws Exception {
        QmpBenchmark.run(200, 640, 5);
    }

    @Test
    void codecMicrobenchmarks() throws Exception {
        var results = new org.openjdk.jmh.runner.Runner(new org.openjdk.jmh.runner.options.OptionsBuilder()
                .include(io.qmp4j.examples.bench.CodecBenchmark.class.getSimpleName()).forks(0).warmupIterations(0)
                .measurementIterations(1).measurementTime(org.openjdk.jmh.runner.options.TimeValue.milliseconds(200)).build()).run();
        org.junit.jupiter.api.Assertions.assertEquals(3, results.size(), "every codec benchmark ran");
    }

    @Test
    void shortSoak() throws Exception {
        // Six migrations: each kind (shared, copy-storage, TLS) twice; every check of the long soak holds.
        org.junit.jupiter.api.Assertions.assertTrue(Soak.run(6));
    }

    @Test
    void scaleBenchmark() throws Exception {
        // 3 QEMUs and 20 fake monitors (2 of them flooding) on one I/O thread; figures printed, not asserted.
        ScaleBenchmark.Figures f = ScaleBenchmark.run(3, 20, 2, 3);
        org.junit.jupiter.api.Assertions.assertEquals(23, f.sessions());
        org.junit.jupiter.api.Assertions.assertEquals(1, f.ioThreads(), "every session on one I/O thread");
        org.junit.jupiter.api.Assertions.assertTrue(f.eventsPerSecond() > 0, "the floods reached the listeners");
    }

    @Test
    void orchestrationBenchmark() throws Exception {
        OrchestrationBenchmark.main(new String[] {"1", "128", "8"});
    }

    @Test
    void evacuationBenchmark() throws Exception {
        // Tiny: three 128 MiB guests, the hottest dirtying faster than the budget; every mode evacuates all three.
        java.util.List<io.qmp4j.examples.bench.EvacuationBenchmark.Figures> f =
                io.qmp4j.examples.bench.EvacuationBenchmark.run(128, 64, new int[] {1, 8, 96});
        org.junit.jupiter.api.Assertions.assertEquals(3, f.size());
        f.forEach(x -> org.junit.jupiter.api.Assertions.assertEquals(3, x.completed(), x.toString()));
    }

    @Test
    void isolationBenchmark() throws Exception {
        java.util.List<io.qmp4j.examples.bench.IsolationBenchmark.Figures> f = io.qmp4j.examples.bench.IsolationBenchmark.run(128, 16, 1);
        org.junit.jupiter.api.Assertions.assertEquals(2, f.size());
    }

    @Test
    void strategyBenchmark() throws Exception {
        // Tiny: 8 MiB dirtied at 32 MiB/s over 8 MiB/s; each strategy completes and reports.
        java.util.List<io.qmp4j.examples.bench.StrategyBenchmark.Figures> f =
                io.qmp4j.examples.bench.StrategyBenchmark.run(128, 8, 32, 8);
        org.junit.jupiter.api.Assertions.assertEquals(5, f.size());
        f.forEach(x -> org.junit.jupiter.api.Assertions.assertTrue(x.totalMs() > 0, x.toString()));
    }
}

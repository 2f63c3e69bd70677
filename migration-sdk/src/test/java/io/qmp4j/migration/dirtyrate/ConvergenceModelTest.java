package io.qmp4j.migration.dirtyrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.qapi.DirtyRateMeasureMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceModelTest {

    private static DirtyRate rate(long mib) {
        return new DirtyRate(mib, DirtyRateMeasureMode.PAGE_SAMPLING, Duration.ofSeconds(1), List.of());
    }

    @Test
    void slowDirtierConvergesQuickly() {
        ConvergencePrediction p = ConvergenceModel.predict(rate(16), 1L << 30, 256L << 20, 1L << 30, Duration.ofMillis(300));
        assertTrue(p.converges(), p.advice().toString());
        assertTrue(p.passes() <= 3, p.advice().toString());
        assertTrue(p.expectedDowntime().toMillis() <= 300);
        assertFalse(p.autoConverge());
    }

    @Test
    void dirtierFasterThanTheLinkNeedsHelp() {
        ConvergencePrediction p = ConvergenceModel.predict(rate(256), 1L << 30, 1L << 30, 48L << 20, Duration.ofMillis(300));
        assertFalse(p.converges());
        assertTrue(p.recommendedBandwidth() >= 256L << 20, "recommends more bandwidth");
        assertTrue(p.autoConverge() && p.requiredThrottlePercent() > 0 && p.requiredThrottlePercent() <= 99, p.advice().toString());
    }

    @Test
    void autoConvergeTimeCountsTheThrottleSteps() {
        // The hot test guest: 256 MiB, 128 MiB dirtied at 256 MiB/s, a 48 MiB/s link: 85 % throttle, 7 steps past 20 %.
        ConvergencePrediction p = ConvergenceModel.predict(rate(256), 256L << 20, 128L << 20, 48L << 20, Duration.ofMillis(300));
        assertEquals(85, p.requiredThrottlePercent());
        double expected = 256.0 / 48 + 8 * 128.0 / 48;
        assertEquals(expected, p.autoConvergeTime().orElseThrow().toMillis() / 1000.0, 0.01);
        assertTrue(ConvergenceModel.predict(rate(8), 256L << 20, 64L << 20, 1L << 30, Duration.ofMillis(300))
                .autoConvergeTime().isEmpty(), "not when it converges");
    }

    @Test
    void aSmallWorkingSetConvergesEvenWhenDirtiedFast() {
        // 8 MiB dirtied very fast still fits in 300 ms at 1 GiB/s.
        ConvergencePrediction p = ConvergenceModel.predict(rate(4096), 1L << 30, 8L << 20, 1L << 30, Duration.ofMillis(300));
        assertTrue(p.converges(), p.advice().toString());
    }

    @Test
    void hopelessCaseRecommendsPostcopy() {
        ConvergencePrediction p = ConvergenceModel.predict(rate(100_000), 8L << 30, 8L << 30, 1L << 20, Duration.ofMillis(100));
        assertFalse(p.converges());
        assertTrue(p.postcopy() || p.autoConverge(), p.advice().toString());
    }
}

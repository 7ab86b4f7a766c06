package dev.trufflexen.launcher.perfhistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class RegressionRuleTest {
    private static final RegressionRule RULE = RegressionRule.DEFAULT;

    private static List<RegressionRule.Point> series(double spread, double... values) {
        return DoubleStream.of(values).mapToObj(v -> new RegressionRule.Point(v, spread)).toList();
    }

    @Test
    void aSteadySeriesFlagsATwentyPercentSlowdownButNotFivePercent() {
        List<RegressionRule.Point> previous = series(0.02, 10.0, 10.2, 9.9, 10.1, 10.0);
        RegressionRule.Verdict slower = RULE.judge(previous, new RegressionRule.Point(12.0, 0.02), false);
        assertTrue(slower.regression(), slower.toString());
        assertEquals(10.0, slower.baseline(), 1e-9);
        assertEquals(0.20, slower.change(), 1e-9);
        assertEquals(0.10, slower.threshold(), 1e-9);

        assertFalse(RULE.judge(previous, new RegressionRule.Point(10.5, 0.02), false).regression());
        RegressionRule.Verdict faster = RULE.judge(previous, new RegressionRule.Point(8.0, 0.02), false);
        assertFalse(faster.regression());
        assertTrue(faster.change() < 0);
    }

    @Test
    void theMedianIgnoresOneOddRun() {
        List<RegressionRule.Point> previous = series(0.02, 10.0, 10.0, 30.0, 10.0, 10.0);
        assertTrue(RULE.judge(previous, new RegressionRule.Point(12.5, 0.02), false).regression());
    }

    @Test
    void aNoisyMetricNeedsAChangeBeyondItsSpread() {
        List<RegressionRule.Point> noisy = series(0.30, 10.0, 10.0, 10.0);
        RegressionRule.Verdict verdict = RULE.judge(noisy, new RegressionRule.Point(12.0, 0.30), false);
        assertFalse(verdict.regression(), verdict.toString());
        assertEquals(0.30, verdict.threshold(), 1e-9);
        assertTrue(RULE.judge(noisy, new RegressionRule.Point(13.5, 0.30), false).regression());
        assertTrue(new RegressionRule(5, 0.10, 0.5).judge(noisy, new RegressionRule.Point(12.0, 0.30), false).regression());
        // A noisy new point widens the threshold too.
        assertFalse(RULE.judge(series(0.01, 10.0, 10.0), new RegressionRule.Point(12.0, 0.25), false).regression());
    }

    @Test
    void onlyTheLastWindowOfRunsCounts() {
        List<RegressionRule.Point> previous = series(0.0, 20.0, 20.0, 20.0, 20.0, 20.0, 10.0, 10.0, 10.0);
        RegressionRule.Verdict recent = RULE.judge(previous, new RegressionRule.Point(12.0, 0), false);
        assertEquals(10.0, recent.baseline(), 1e-9);
        assertEquals(5, recent.baselineRuns());
        assertTrue(recent.regression());
        RegressionRule.Verdict wide = new RegressionRule(8, 0.10, 1).judge(previous, new RegressionRule.Point(12.0, 0), false);
        assertEquals(20.0, wide.baseline(), 1e-9);
        assertEquals(8, wide.baselineRuns());
        assertFalse(wide.regression());
    }

    @Test
    void higherIsBetterMetricsRegressWhenTheyFall() {
        List<RegressionRule.Point> throughput = series(0.01, 100.0, 101.0, 99.0);
        assertTrue(RULE.judge(throughput, new RegressionRule.Point(80.0, 0.01), true).regression());
        assertFalse(RULE.judge(throughput, new RegressionRule.Point(120.0, 0.01), true).regression());
    }

    @Test
    void withoutEarlierRunsNothingIsARegression() {
        RegressionRule.Verdict verdict = RULE.judge(List.of(), new RegressionRule.Point(99.0, 0), false);
        assertFalse(verdict.regression());
        assertFalse(verdict.hasBaseline());
    }

    @Test
    void aRuleNeedsAWindowAndNonNegativeLimits() {
        assertThrows(IllegalArgumentException.class, () -> new RegressionRule(0, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RegressionRule(5, -0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RegressionRule(5, 0.1, Double.NaN));
    }
}

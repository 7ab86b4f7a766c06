package dev.trufflexen.launcher.perfhistory;

import java.util.ArrayList;
import java.util.List;

/**
 * When a measurement counts as a regression: when it is worse than the median of the previous
 * {@code window} runs on the same machine by more than a threshold, and the threshold grows with
 * the noise. The threshold is {@code max(minChange, spreadFactor * spread)}, where spread is the
 * larger of the new point's own relative spread and the median spread of the baseline runs: a
 * metric whose rounds scatter by 15% cannot flag a 10% change, one that repeats to 1% can.
 *
 * <p>Defaults ({@link #DEFAULT}): window 5, minChange 10%, spreadFactor 1. The spread of a rate
 * is the relative range of its steady-state rounds, (max - min) / median, so a factor of 1 asks
 * the new point to fall outside the range the rounds themselves covered.
 */
public record RegressionRule(int window, double minChange, double spreadFactor) {
    public static final RegressionRule DEFAULT = new RegressionRule(5, 0.10, 1.0);

    public RegressionRule {
        if (window < 1) {
            throw new IllegalArgumentException("the regression window must be at least 1 run, not " + window);
        }
        if (!(minChange >= 0) || !(spreadFactor >= 0)) {
            throw new IllegalArgumentException("the regression threshold and spread factor must not be negative");
        }
    }

    /**
     * One measurement: a value and its relative spread (0 when unknown).
     */
    public record Point(double value, double spread) {
    }

    /**
     * The verdict on one point.
     *
     * @param baseline median of the baseline runs' values; NaN without baseline runs
     * @param change relative change against the baseline, positive when worse
     * @param threshold the change above which it is a regression
     * @param baselineRuns how many runs the baseline had
     */
    public record Verdict(double baseline, double change, double threshold, boolean regression, int baselineRuns) {
        public boolean hasBaseline() {
            return baselineRuns > 0;
        }
    }

    /**
     * Judges {@code current} against the last {@link #window} of {@code previous} (oldest first).
     *
     * @param higherIsBetter true for rates and throughput, false for slowdown factors and times
     */
    public Verdict judge(List<Point> previous, Point current, boolean higherIsBetter) {
        List<Point> baseline = previous.subList(Math.max(0, previous.size() - window), previous.size());
        if (baseline.isEmpty()) {
            return new Verdict(Double.NaN, Double.NaN, Double.NaN, false, 0);
        }
        double median = median(baseline.stream().map(Point::value).toList());
        double spread = Math.max(sane(current.spread()), median(baseline.stream().map(p -> sane(p.spread())).toList()));
        double threshold = Math.max(minChange, spreadFactor * spread);
        double change = higherIsBetter ? (median - current.value()) / median : (current.value() - median) / median;
        return new Verdict(median, change, threshold, change > threshold, baseline.size());
    }

    private static double sane(double spread) {
        return Double.isFinite(spread) && spread > 0 ? spread : 0;
    }

    /** The median of a non-empty list. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

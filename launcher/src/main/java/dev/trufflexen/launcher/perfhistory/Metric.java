package dev.trufflexen.launcher.perfhistory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A quantity the history follows over runs and judges for regressions: each workload's
 * guest/native slowdown (lower is better; dividing by the native rate measured in the same run
 * cancels much of the host's load) and each JMH benchmark's score (better in the direction of its
 * mode).
 *
 * @param name e.g. {@code sieve guest/native} or {@code NullHypercallBenchmark.hypercall}
 * @param unit what the value counts: {@code x} (times slower than native) or JMH's unit
 */
public record Metric(String name, String unit, boolean higherIsBetter) {

    /** Every metric a run measured, with its point, in record order. */
    public static Map<Metric, RegressionRule.Point> of(PerfRecord run) {
        Map<Metric, RegressionRule.Point> points = new LinkedHashMap<>();
        for (PerfRecord.WorkloadFigures w : run.workloads()) {
            if (w.guestOverNative() != null) {
                points.put(new Metric(w.name() + " guest/native", "x", false),
                        new RegressionRule.Point(w.guestOverNative(), orZero(w.guestOverNativeSpread())));
            }
        }
        for (PerfRecord.JmhFigures j : run.jmh()) {
            double spread = j.error() == null || j.score() == 0 ? 0 : 2 * Math.abs(j.error() / j.score());
            points.put(new Metric(shortBenchmark(j.benchmark()), j.unit(), j.higherIsBetter()),
                    new RegressionRule.Point(j.score(), spread));
        }
        return points;
    }

    /** A JMH benchmark without its package: {@code Class.method}. */
    static String shortBenchmark(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }
}

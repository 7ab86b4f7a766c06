package dev.trufflexen.launcher.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trufflexen.launcher.perfhistory.Metric;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.launcher.perfhistory.RegressionRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the dashboard page shows, as one JSON object the page's script turns into a table and
 * charts: {@code runs} (every run, for the detail view a click opens), {@code summary} (per
 * metric and machine: latest, previous, best, change and the {@link RegressionRule} verdict) and
 * {@code charts} (each a title, a unit and series of points {@code [date, value, spread, run id,
 * commit]}). Every series belongs to one machine: machines are never joined in one line.
 */
final class DashboardModel {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DashboardModel() {
    }

    /** One point source: a figure of a workload, null where the run did not measure it. */
    private record Figure(Double value, Double spread) {
    }

    static ObjectNode build(List<PerfRecord> runs, RegressionRule rule, String generated) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("generated", generated);
        root.put("rule", String.format(java.util.Locale.ROOT, "worse than the median of the previous %d runs by more than"
                + " max(%.0f%%, %.1f x spread)", rule.window(), rule.minChange() * 100, rule.spreadFactor()));
        ArrayNode runNodes = root.putArray("runs");
        runs.forEach(run -> runNodes.add((ObjectNode) MAPPER.valueToTree(run)));
        root.set("summary", summary(runs, rule));
        ArrayNode charts = root.putArray("charts");
        List<String> workloads = names(runs, run -> run.workloads().stream().map(PerfRecord.WorkloadFigures::name).toList());
        for (String workload : workloads) {
            ObjectNode chart = chart(charts, "workload-" + workload, workload + ": slowdown over native (lower is better)", "x native time");
            addSeries(chart, runs, "guest/native", workload, w -> new Figure(w.guestOverNative(), w.guestOverNativeSpread()));
            addSeries(chart, runs, "qemu/native", workload, w -> new Figure(w.qemuOverNative(), w.qemuOverNativeSpread()));
        }
        if (!workloads.isEmpty()) {
            ObjectNode warmup = chart(charts, "warmup", "Guest warm-up: time to 90% of steady state", "s");
            ObjectNode compileTime = chart(charts, "compile-time", "Guest JIT compile time (Truffle compilations, summed)", "s");
            ObjectNode compilations = chart(charts, "compilations", "Guest JIT compilations", "count");
            for (String workload : workloads) {
                addSeries(warmup, runs, workload, workload, w -> new Figure(w.warmupSeconds(), null));
                addSeries(compileTime, runs, workload, workload, w -> new Figure(w.compileSeconds(), null));
                addSeries(compilations, runs, workload, workload,
                        w -> new Figure(w.compilations() == null ? null : w.compilations().doubleValue(), null));
            }
        }
        for (String benchmark : names(runs, run -> run.jmh().stream().map(PerfRecord.JmhFigures::benchmark).toList())) {
            addJmhChart(charts, runs, benchmark);
        }
        return root;
    }

    /** The distinct names {@code of} finds in the runs, in order of first appearance. */
    private static List<String> names(List<PerfRecord> runs, Function<PerfRecord, List<String>> of) {
        Set<String> names = new LinkedHashSet<>();
        runs.forEach(run -> names.addAll(of.apply(run)));
        return List.copyOf(names);
    }

    private static ObjectNode chart(ArrayNode charts, String id, String title, String unit) {
        ObjectNode chart = charts.addObject();
        chart.put("id", id);
        chart.put("title", title);
        chart.put("unit", unit);
        chart.putArray("series");
        return chart;
    }

    /** One series per machine of a workload's figure, named "label (machine)". */
    private static void addSeries(ObjectNode chart, List<PerfRecord> runs, String label, String workload,
            Function<PerfRecord.WorkloadFigures, Figure> figure) {
        for (Map.Entry<String, List<PerfRecord>> machine : byMachine(runs).entrySet()) {
            ArrayNode points = MAPPER.createArrayNode();
            for (PerfRecord run : machine.getValue()) {
                run.workloads().stream().filter(w -> w.name().equals(workload)).findFirst().map(figure)
                        .filter(f -> f.value() != null)
                        .ifPresent(f -> addPoint(points, run, f.value(), f.spread()));
            }
            addSeriesNode(chart, label + " (" + machine.getKey() + ")", machine.getKey(), points);
        }
    }

    private static void addJmhChart(ArrayNode charts, List<PerfRecord> runs, String benchmark) {
        ObjectNode chart = null;
        for (Map.Entry<String, List<PerfRecord>> machine : byMachine(runs).entrySet()) {
            ArrayNode points = MAPPER.createArrayNode();
            for (PerfRecord run : machine.getValue()) {
                for (PerfRecord.JmhFigures j : run.jmh()) {
                    if (j.benchmark().equals(benchmark)) {
                        if (chart == null) {
                            chart = chart(charts, "jmh-" + benchmark, "JMH " + benchmark + " (" + j.mode()
                                    + (j.higherIsBetter() ? ", higher is better)" : ", lower is better)"), j.unit());
                        }
                        addPoint(points, run, j.score(), j.error() == null || j.score() == 0 ? null : 2 * j.error() / j.score());
                    }
                }
            }
            if (chart != null) {
                addSeriesNode(chart, "score (" + machine.getKey() + ")", machine.getKey(), points);
            }
        }
    }

    private static void addSeriesNode(ObjectNode chart, String name, String machine, ArrayNode points) {
        if (points.isEmpty()) {
            return;
        }
        ObjectNode series = ((ArrayNode) chart.get("series")).addObject();
        series.put("name", name);
        series.put("machine", machine);
        series.set("points", points);
    }

    private static void addPoint(ArrayNode points, PerfRecord run, double value, Double spread) {
        ArrayNode point = points.addArray();
        point.add(run.date());
        point.add(value);
        if (spread == null || !Double.isFinite(spread)) {
            point.addNull();
        } else {
            point.add(spread);
        }
        point.add(run.id());
        point.add(run.git().shortCommit() + (run.git().dirty() ? "+dirty" : ""));
    }

    /** Runs grouped by machine key, each group in date order (runs come date-ordered). */
    private static Map<String, List<PerfRecord>> byMachine(List<PerfRecord> runs) {
        Map<String, List<PerfRecord>> machines = new LinkedHashMap<>();
        runs.forEach(run -> machines.computeIfAbsent(run.machine().key(), k -> new ArrayList<>()).add(run));
        return machines;
    }

    /** Per metric and machine: the latest point judged against the ones before it. */
    private static ArrayNode summary(List<PerfRecord> runs, RegressionRule rule) {
        ArrayNode rows = MAPPER.createArrayNode();
        for (Map.Entry<String, List<PerfRecord>> machine : byMachine(runs).entrySet()) {
            Map<Metric, List<RegressionRule.Point>> series = new LinkedHashMap<>();
            Map<Metric, PerfRecord> latestRun = new LinkedHashMap<>();
            for (PerfRecord run : machine.getValue()) {
                Metric.of(run).forEach((metric, point) -> {
                    series.computeIfAbsent(metric, m -> new ArrayList<>()).add(point);
                    latestRun.put(metric, run);
                });
            }
            series.forEach((metric, points) -> {
                RegressionRule.Point latest = points.getLast();
                List<RegressionRule.Point> before = points.subList(0, points.size() - 1);
                RegressionRule.Verdict verdict = rule.judge(before, latest, metric.higherIsBetter());
                ObjectNode row = rows.addObject();
                row.put("metric", metric.name());
                row.put("unit", metric.unit());
                row.put("machine", machine.getKey());
                row.put("higherIsBetter", metric.higherIsBetter());
                row.put("runs", points.size());
                row.put("latest", latest.value());
                row.put("latestRun", latestRun.get(metric).id());
                if (!before.isEmpty()) {
                    row.put("previous", before.getLast().value());
                    row.put("baseline", verdict.baseline());
                    row.put("change", verdict.change());
                    row.put("threshold", verdict.threshold());
                }
                row.put("best", points.stream().mapToDouble(RegressionRule.Point::value)
                        .reduce(metric.higherIsBetter() ? Math::max : Math::min).orElseThrow());
                row.put("regression", verdict.regression());
            });
        }
        return rows;
    }

    /** The model as JSON that is safe inside a script element. */
    static String toScriptJson(ObjectNode model) {
        try {
            return MAPPER.writeValueAsString(model).replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the dashboard model as JSON", e);
        }
    }
}

package dev.trufflexen.launcher.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.launcher.perfhistory.RegressionRule;
import dev.trufflexen.launcher.perfhistory.SyntheticHistory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardModelTest {
    private static final List<PerfRecord> RUNS = sortedRuns();

    private static List<PerfRecord> sortedRuns() {
        List<PerfRecord> runs = new ArrayList<>(SyntheticHistory.mixedMachines());
        // The newest SLOW run regresses sha256 by 40%.
        runs.add(SyntheticHistory.benchRun(SyntheticHistory.SLOW, 6, "f00d", 8.5, 31));
        runs.sort(java.util.Comparator.comparing(PerfRecord::date));
        return runs;
    }

    private static List<String> titles(ObjectNode model) {
        List<String> titles = new ArrayList<>();
        model.get("charts").forEach(chart -> titles.add(chart.get("id").asText()));
        return titles;
    }

    @Test
    void thereIsAChartPerWorkloadAndJmhBenchmarkAndForWarmupAndCompilation() {
        ObjectNode model = DashboardModel.build(RUNS, RegressionRule.DEFAULT, "now");
        assertEquals(List.of("workload-sieve", "workload-sha256", "warmup", "compile-time", "compilations",
                "jmh-dev.trufflexen.perf.TlbHitBenchmark.hit", "jmh-dev.trufflexen.perf.NullHypercallBenchmark.hypercall"),
                titles(model));
        assertEquals(RUNS.size(), model.get("runs").size());
    }

    @Test
    void everySeriesHoldsOneMachineOnly() {
        ObjectNode model = DashboardModel.build(RUNS, RegressionRule.DEFAULT, "now");
        Map<String, String> machineOfRun = new HashMap<>();
        RUNS.forEach(run -> machineOfRun.put(run.id(), run.machine().key()));
        int series = 0;
        for (JsonNode chart : model.get("charts")) {
            for (JsonNode s : chart.get("series")) {
                series++;
                String machine = s.get("machine").asText();
                assertTrue(s.get("name").asText().endsWith("(" + machine + ")"), s.get("name").asText());
                for (JsonNode point : s.get("points")) {
                    assertEquals(machine, machineOfRun.get(point.get(3).asText()), chart.get("id") + " " + s.get("name"));
                }
            }
        }
        // Per workload chart: guest/native and qemu/native on two machines; warm-up and compile charts: 2 workloads x 2 machines;
        // JMH: one machine.
        assertEquals(2 * 4 + 3 * 4 + 2, series);
        JsonNode sieve = null;
        for (JsonNode s : model.get("charts").get(0).get("series")) {
            if (s.get("name").asText().equals("guest/native (fast-cpu-8c-32g)")) {
                sieve = s;
            }
        }
        assertEquals(5, sieve.get("points").size());
        JsonNode first = sieve.get("points").get(0);
        assertEquals("2026-11-01T10:08:00Z", first.get(0).asText());
        assertEquals(5.0, first.get(1).asDouble(), 1e-9);
        assertEquals(0.02, first.get(2).asDouble(), 1e-9);
        assertEquals("a0c0ffee", first.get(4).asText());
    }

    @Test
    void theSummaryFlagsTheRegressionOnItsMachine() {
        ObjectNode model = DashboardModel.build(RUNS, RegressionRule.DEFAULT, "now");
        List<String> flagged = new ArrayList<>();
        for (JsonNode row : model.get("summary")) {
            if (row.get("regression").asBoolean()) {
                flagged.add(row.get("metric").asText() + " @ " + row.get("machine").asText());
            }
        }
        assertEquals(List.of("sha256 guest/native @ slow-cpu-2c-4g"), flagged);
        JsonNode sha256 = null;
        for (JsonNode row : model.get("summary")) {
            if (row.get("metric").asText().equals("sha256 guest/native") && row.get("machine").asText().equals("slow-cpu-2c-4g")) {
                sha256 = row;
            }
        }
        assertEquals(31.0, sha256.get("latest").asDouble());
        assertEquals(24.0, sha256.get("previous").asDouble());
        assertEquals(20.0, sha256.get("best").asDouble());
        assertEquals(22.0, sha256.get("baseline").asDouble());
        assertEquals(6, sha256.get("runs").asInt());
    }

    @Test
    void theEmbeddedJsonCannotCloseItsScriptElement() {
        PerfRecord hostile = SyntheticHistory.benchRun(SyntheticHistory.FAST, 8, "</script><script>alert(1)</script>", 5, 5);
        String json = DashboardModel.toScriptJson(DashboardModel.build(List.of(hostile), RegressionRule.DEFAULT, "now"));
        assertFalse(json.contains("<"), json);
        assertTrue(json.contains("\\u003c/script>"), json);
    }
}

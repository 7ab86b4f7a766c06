package dev.trufflexen.launcher.perfhistory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the result files JMH writes with {@code -rf json} (bin/perf: perf/results/NAME.json): an
 * array with one object per benchmark and parameter set, whose {@code primaryMetric} has the
 * score, the error (99.9% confidence half-width; "NaN" when JMH had too few samples) and the
 * unit. A parameterised benchmark is named {@code benchmark:param=value,...}.
 */
public final class JmhResults {
    private JmhResults() {
    }

    /** The benchmarks of one result file, in file order. */
    public static List<PerfRecord.JmhFigures> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException(file + ": not a JMH JSON result (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (root == null || !root.isArray()) {
            throw new IOException(file + ": not a JMH JSON result (no top-level array)");
        }
        List<PerfRecord.JmhFigures> figures = new ArrayList<>();
        for (JsonNode entry : root) {
            JsonNode metric = entry.path("primaryMetric");
            if (!entry.path("benchmark").isTextual() || !metric.path("score").isNumber()) {
                throw new IOException(file + ": a result without benchmark name or primaryMetric.score");
            }
            JsonNode error = metric.path("scoreError");
            Double errorValue = error.isNumber() && Double.isFinite(error.asDouble()) ? error.asDouble() : null;
            figures.add(new PerfRecord.JmhFigures(entry.get("benchmark").asText() + params(entry.path("params")),
                    entry.path("mode").asText("unknown"), metric.get("score").asDouble(), errorValue, metric.path("scoreUnit").asText("")));
        }
        return figures;
    }

    private static String params(JsonNode params) {
        if (!params.isObject() || params.isEmpty()) {
            return "";
        }
        Map<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            sorted.put(field.getKey(), field.getValue().asText());
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((key, value) -> parts.add(key + "=" + value));
        return ":" + String.join(",", parts);
    }
}

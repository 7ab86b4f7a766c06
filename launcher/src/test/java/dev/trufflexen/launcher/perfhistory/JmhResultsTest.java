package dev.trufflexen.launcher.perfhistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhResultsTest {
    /** The shape JMH 1.37 writes with -rf json (abridged: JMH writes more fields, which are ignored). */
    private static final String RESULT = """
            [
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "dev.trufflexen.perf.PvExceptionBenchmark.exception",
                    "mode" : "avgt",
                    "threads" : 1,
                    "forks" : 1,
                    "params" : { "op" : "int3" },
                    "primaryMetric" : {
                        "score" : 1543.2,
                        "scoreError" : 120.5,
                        "scoreConfidence" : [ 1422.7, 1663.7 ],
                        "scoreUnit" : "ns/op",
                        "rawData" : [ [ 1500.0, 1600.0 ] ]
                    },
                    "secondaryMetrics" : { }
                },
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "dev.trufflexen.perf.GuestMipsBenchmark.mips",
                    "mode" : "thrpt",
                    "primaryMetric" : { "score" : 6009.0, "scoreError" : "NaN", "scoreUnit" : "ops/s" }
                }
            ]
            """;

    @TempDir
    Path directory;

    @Test
    void readsScoreErrorUnitModeAndParameters() throws IOException {
        Path file = Files.writeString(directory.resolve("result.json"), RESULT);
        List<PerfRecord.JmhFigures> figures = JmhResults.read(file);
        assertEquals(2, figures.size());
        PerfRecord.JmhFigures exception = figures.getFirst();
        assertEquals("dev.trufflexen.perf.PvExceptionBenchmark.exception:op=int3", exception.benchmark());
        assertEquals("avgt", exception.mode());
        assertEquals(1543.2, exception.score());
        assertEquals(120.5, exception.error());
        assertEquals("ns/op", exception.unit());
        assertTrue(!exception.higherIsBetter());
        PerfRecord.JmhFigures mips = figures.get(1);
        assertNull(mips.error(), "JMH's NaN error is no error bar");
        assertTrue(mips.higherIsBetter());
        assertEquals("PvExceptionBenchmark.exception:op=int3", Metric.shortBenchmark(exception.benchmark()));
    }

    @Test
    void aFileThatIsNotJmhOutputIsAnErrorNamingIt() throws IOException {
        Path notJson = Files.writeString(directory.resolve("a.json"), "<html>");
        Path noArray = Files.writeString(directory.resolve("b.json"), "{\"benchmark\": 1}");
        Path noScore = Files.writeString(directory.resolve("c.json"), "[{\"benchmark\": \"x\", \"primaryMetric\": {}}]");
        for (Path file : List.of(notJson, noArray, noScore)) {
            IOException e = assertThrows(IOException.class, () -> JmhResults.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }
}

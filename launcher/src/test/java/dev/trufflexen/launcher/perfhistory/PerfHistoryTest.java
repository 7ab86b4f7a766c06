package dev.trufflexen.launcher.perfhistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfHistoryTest {
    @TempDir
    Path directory;

    private final List<String> warnings = new ArrayList<>();

    @Test
    void recordsRoundTripThroughTheFilesOfTheirMachines() throws IOException {
        PerfHistory history = new PerfHistory(directory.resolve("history"));
        List<PerfRecord> runs = SyntheticHistory.mixedMachines();
        for (PerfRecord run : runs) {
            history.append(run);
        }
        assertTrue(Files.isRegularFile(directory.resolve("history/fast-cpu-8c-32g.jsonl")));
        assertTrue(Files.isRegularFile(directory.resolve("history/slow-cpu-2c-4g.jsonl")));
        assertEquals(7, PerfHistory.read(directory.resolve("history/fast-cpu-8c-32g.jsonl"), warnings::add).size());
        assertEquals(5, PerfHistory.read(directory.resolve("history/slow-cpu-2c-4g.jsonl"), warnings::add).size());

        List<PerfRecord> read = history.readAll(warnings::add);
        assertEquals(List.of(), warnings);
        List<PerfRecord> expected = new ArrayList<>(runs);
        expected.sort(java.util.Comparator.comparing(PerfRecord::date));
        assertEquals(expected, read, "records compare equal field by field after a round trip");
        assertTrue(read.stream().allMatch(r -> r.schema() == PerfRecord.SCHEMA));
    }

    @Test
    void aMissingDirectoryIsAnEmptyHistory() throws IOException {
        assertEquals(List.of(), new PerfHistory(directory.resolve("none")).readAll(warnings::add));
        assertEquals(List.of(), warnings);
    }

    @Test
    void badLinesAreSkippedWithAWarningNamingFileAndLine() throws IOException {
        PerfRecord good = SyntheticHistory.benchRun(SyntheticHistory.FAST, 0, "abc123", 5, 10);
        PerfRecord alsoGood = SyntheticHistory.benchRun(SyntheticHistory.FAST, 1, "def456", 5, 10);
        String goodLine = PerfHistory.toJson(good);
        Path file = directory.resolve("fast-cpu-8c-32g.jsonl");
        Files.writeString(file, String.join("\n",
                goodLine,
                "{ this is not json",
                "[1, 2, 3]",
                "{\"name\": \"another tool's record\"}",
                goodLine.replace("\"schema\":" + PerfRecord.SCHEMA, "\"schema\":99"),
                goodLine.replace("\"machine\":{", "\"machinery\":{"),
                "",
                goodLine.replace("\"rounds\":10", "\"rounds\":\"ten\""),
                PerfHistory.toJson(alsoGood),
                goodLine.substring(0, goodLine.length() / 2)) + "\n", StandardCharsets.UTF_8);

        List<PerfRecord> read = new PerfHistory(directory).readAll(warnings::add);

        assertEquals(List.of(good, alsoGood), read);
        List<String> expected = List.of(file + ":2: skipped: not JSON", file + ":3: skipped: not a JSON object",
                file + ":4: skipped: no schema version", file + ":5: skipped: schema version 99, this reader knows 1 to 2",
                file + ":6: skipped: required field machine is missing", file + ":8: skipped: malformed record",
                file + ":10: skipped: not JSON");
        assertEquals(expected.size(), warnings.size(), warnings.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(warnings.get(i).startsWith(expected.get(i)), warnings.get(i) + " should start with " + expected.get(i));
        }
    }

    @Test
    void linesOfTheFirstSchemaAreStillReadWithTheLaterFieldsNull() throws IOException {
        PerfRecord run = SyntheticHistory.benchRun(SyntheticHistory.FAST, 0, "abc123", 5, 10);
        String line = PerfHistory.toJson(run).replace("\"schema\":" + PerfRecord.SCHEMA, "\"schema\":1")
                .replace(",\"compiler\":\"jargraal\"", "").replace(",\"roundClock\":\"platform\"", "");
        assertTrue(!line.contains("compiler") && !line.contains("roundClock"), line);
        Files.writeString(directory.resolve("fast-cpu-8c-32g.jsonl"), line + "\n", StandardCharsets.UTF_8);

        List<PerfRecord> read = new PerfHistory(directory).readAll(warnings::add);

        assertEquals(List.of(), warnings);
        assertEquals(1, read.size());
        assertEquals(1, read.getFirst().schema());
        assertEquals(null, read.getFirst().runtime().compiler());
        assertEquals(null, read.getFirst().workloads().getFirst().roundClock());
        assertEquals(run.workloads().getFirst().guest(), read.getFirst().workloads().getFirst().guest());
    }

    @Test
    void machinesGetStableFileNamesFromTheirCpuCoresAndMemory() {
        assertEquals("amd-epyc-7b13-2c-24g", HostFacts.machineKey("AMD EPYC 7B13", 2, 24L << 30));
        assertEquals("intel-xeon-platinum-8375c-16c-64g",
                HostFacts.machineKey("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 16, 64L << 30));
        assertEquals("amd-ryzen-9-7950x-32c-61g", HostFacts.machineKey("AMD Ryzen 9 7950X 16-Core Processor", 32, 61L << 30));
        assertEquals("cpu-1c-0g", HostFacts.machineKey("(R)", 1, 1000));
    }
}

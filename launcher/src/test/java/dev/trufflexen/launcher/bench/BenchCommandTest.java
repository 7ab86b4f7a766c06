package dev.trufflexen.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.Txl;
import dev.trufflexen.launcher.TxlContext;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txl bench} end to end, in-process: real guests on the Xen core, the host executables
 * and qemu-x86_64 when installed. Quick mode (one iteration per round), so these check shape and
 * correctness, never timing.
 */
class BenchCommandTest {
    private static final Path BUILD = Path.of("..", "guest-images", "build").toAbsolutePath().normalize();

    @TempDir
    Path workingDirectory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int txl(String... args) {
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                workingDirectory, Map.of(), false, TruffleRuntimeCheck::isOptimizing, (config, options, console) -> {
                    throw new AssertionError("txl bench builds its domains itself");
                });
        return Txl.run(context, args);
    }

    private JsonNode json() throws IOException {
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void quickJsonRunOfTwoWorkloadsHasTheDocumentedShape() throws IOException {
        assertEquals(0, txl("bench", "--quick", "--json", "--filter", "crc32|sieve", "--images", BUILD.toString()),
                err.toString());
        JsonNode root = json();
        assertTrue(root.get("geomean_guest_over_native").isNumber(), root.toString());
        assertTrue(root.get("geomean_guest_over_native").asDouble() > 0, root.toString());
        assertTrue(root.has("geomean_qemu_over_native"), root.toString());
        JsonNode qemuGeomean = root.get("geomean_qemu_over_native");
        assertTrue(qemuGeomean.isNull() || qemuGeomean.isNumber(), root.toString());
        assertTrue(root.get("all_checksums_match").asBoolean(), root.toString());
        assertTrue(root.get("compiler").asText().matches("(jargraal(\\+host-jit)?|libgraal)(\\+aot-cache)?"), root.toString());

        JsonNode workloads = root.get("workloads");
        List<String> names = new ArrayList<>();
        workloads.forEach(w -> names.add(w.get("name").asText()));
        assertEquals(List.of("crc32", "sieve"), names);
        for (JsonNode w : workloads) {
            assertTrue(w.get("checksum_match").asBoolean(), w.toString());
            assertEquals(1, w.get("iterations_per_round").asInt(), w.toString());
            for (String platform : List.of("guest", "native")) {
                JsonNode run = w.get(platform);
                assertTrue(run.get("ok").asBoolean(), w.toString());
                assertTrue(run.get("rate").asDouble() > 0, w.toString());
                assertTrue(run.get("warmup_seconds").asDouble() >= 0, w.toString());
                assertEquals(2, run.get("round_seconds").size(), w.toString());
                assertTrue(run.get("checksum").asText().matches("[0-9a-f]{16}"), w.toString());
                // The guest's rounds are timed by its pvclock, the native ones by CLOCK_MONOTONIC.
                assertEquals("platform", run.get("clock").asText(), w.toString());
            }
            assertEquals(w.get("native").get("checksum"), w.get("guest").get("checksum"), w.toString());
            // How much of its steady round the guest's vCPU ran; not measured for a host process.
            assertTrue(w.get("guest").get("cpu_share").isNumber() && w.get("guest").get("cpu_share").asDouble() >= 0, w.toString());
            assertTrue(w.get("native").get("cpu_share").isNull(), w.toString());
            assertEquals(2, w.get("guest").get("round_cpu_seconds").size(), w.toString());
            assertTrue(w.get("guest_cpu_over_native").isNumber() && w.get("guest_cpu_over_native").asDouble() > 0, w.toString());
            assertTrue(w.get("guest_over_native").asDouble() > 0, w.toString());
            assertTrue(w.get("qemu").isNull() || w.get("qemu").get("ok").asBoolean(), w.toString());
        }
    }

    @Test
    void everyWorkloadComputesTheSameChecksumAsAGuestAndNatively() throws IOException {
        assertEquals(0, txl("bench", "--quick", "--json", "--rounds", "1", "--no-qemu", "--images", BUILD.toString()),
                err.toString());
        JsonNode workloads = json().get("workloads");
        assertTrue(workloads.size() >= 9, workloads.toString());
        for (JsonNode w : workloads) {
            assertTrue(w.get("checksum_match").asBoolean(), w.toString());
            assertEquals(w.get("native").get("checksum").asText(), w.get("guest").get("checksum").asText(), w.toString());
            assertTrue(w.get("qemu").isNull(), w.toString());
        }
    }

    @Test
    void tableListsTheWorkloadAndTheGeometricMean() {
        assertEquals(0, txl("bench", "--quick", "--filter", "^sieve$", "--no-qemu", "--images", BUILD.toString()),
                err.toString());
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.startsWith("workload"), table);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("sieve ") && line.endsWith("match")), table);
        assertTrue(table.contains("geomean guest/native: "), table);
        assertTrue(table.contains("qemu/native: n/a"), table);
        assertTrue(table.contains("compiler: jargraal") || table.contains("compiler: libgraal"), table);
        assertEquals("", err.toString(), "no progress off a terminal");
    }

    @Test
    void aGuestOnlyRunHasNoNativeReferenceAndNoSlowdownFactor() throws IOException {
        // What a child JVM of --fresh-jvm runs: the guest at once, as txl create would start it.
        assertEquals(0, txl("bench", "--guest-only", "--quick", "--json", "--filter", "^sieve$", "--images", BUILD.toString()),
                err.toString());
        JsonNode sieve = json().get("workloads").get(0);
        assertTrue(sieve.get("guest").get("ok").asBoolean(), sieve.toString());
        assertTrue(sieve.get("guest").get("checksum").asText().matches("[0-9a-f]{16}"), sieve.toString());
        assertTrue(sieve.get("native").isNull(), sieve.toString());
        assertTrue(sieve.get("qemu").isNull(), "no qemu run either: " + sieve);
        assertTrue(sieve.get("checksum_match").asBoolean(), sieve.toString());
        assertTrue(sieve.get("guest_over_native").isNull(), sieve.toString());
    }

    @Test
    void aGuestOnlyRunIsNeverRecordedOrCompared() {
        assertEquals(ExitStatus.USAGE, txl("bench", "--guest-only", "--record", "--images", BUILD.toString()));
        assertTrue(err.toString().contains("--guest-only runs no native reference"), err.toString());
    }

    @Test
    void compareWithAnEmptyHistoryHasNothingToCompareWith(@TempDir Path history) {
        assertEquals(0, txl("bench", "--quick", "--filter", "^sieve$", "--no-qemu", "--compare", "previous",
                "--history", history.toString(), "--images", BUILD.toString()), err.toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("nothing to compare with: no earlier run on this machine"), printed);
    }

    @Test
    void quickRunsAreNeverRecorded() {
        assertEquals(ExitStatus.USAGE, txl("bench", "--quick", "--record", "--images", BUILD.toString()));
        assertTrue(err.toString().contains("--record keeps real measurements"), err.toString());
    }

    @Test
    void aMalformedCompareRefIsAUsageErrorBeforeAnythingRuns() {
        assertEquals(ExitStatus.USAGE, txl("bench", "--compare", "last-tuesday", "--images", BUILD.toString()));
        assertTrue(err.toString().contains("--compare: 'last-tuesday' is neither 'previous', a commit"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aBadRegressionRuleIsAUsageError() {
        assertEquals(ExitStatus.USAGE, txl("bench", "--window", "0", "--images", BUILD.toString()));
        assertTrue(err.toString().contains("the regression window must be at least 1 run"), err.toString());
    }

    @Test
    void missingImagesAreAClearError(@TempDir Path empty) {
        assertEquals(ExitStatus.UNAVAILABLE, txl("bench", "--quick", "--images", empty.toString()));
        assertTrue(err.toString().contains("the benchmark images are not built"), err.toString());
        assertTrue(err.toString().contains("make -C guest-images bench"), err.toString());
    }

    @Test
    void aFilterThatMatchesNothingIsAUsageError() {
        assertEquals(ExitStatus.USAGE, txl("bench", "--filter", "no-such-workload", "--images", BUILD.toString()));
        assertTrue(err.toString().contains("no workload matches --filter 'no-such-workload'"), err.toString());
        assertFalse(out.toString().contains("workload"), out.toString());
    }
}

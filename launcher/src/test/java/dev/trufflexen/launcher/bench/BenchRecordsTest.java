package dev.trufflexen.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trufflexen.launcher.perfhistory.Comparison;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.launcher.perfhistory.RegressionRule;
import dev.trufflexen.x86.runtime.X86Counters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * From measured rounds to history records to {@code --compare}'s verdict, on synthetic rounds:
 * a run whose guest takes 20% longer is a regression, an unchanged run is not.
 */
class BenchRecordsTest {
    private static final long MS = 1_000_000;
    private static final PerfRecord.Machine MACHINE = new PerfRecord.Machine("test-cpu-2c-8g", "Test CPU", 2, 8L << 30, "Linux");
    private static final Instant START = Instant.parse("2026-11-20T08:00:00Z");

    /** Rounds of 100 iterations lasting {@code milliseconds} each, with a jitter of +-1 ms. */
    private static BenchRun run(String platform, long... milliseconds) {
        List<BenchRound> rounds = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < milliseconds.length; i++) {
            long length = (milliseconds[i] + (i % 3) - 1) * MS;
            rounds.add(new BenchRound(i + 1, t, t + length, 100, "00000000000000aa"));
            t += length;
        }
        return new BenchRun(platform, rounds, null);
    }

    /** One workload whose guest rounds take {@code guestMs} after a slow first round. */
    private static WorkloadResult workload(String name, long guestMs) {
        return new WorkloadResult(name, run("guest", 5 * guestMs, guestMs, guestMs, guestMs, guestMs, guestMs),
                run("native", 100, 100, 100, 100, 100, 100), run("qemu", 300, 300, 300, 300, 300, 300));
    }

    private static PerfRecord record(int day, String commit, long sieveMs, long sha256Ms) {
        GuestCounters compilation = new GuestCounters(new X86Counters.Snapshot(new long[X86Counters.Event.values().length]),
                42, 1, 0, 3.5, 0);
        return BenchRecords.of(List.of(workload("sieve", sieveMs), workload("sha256", sha256Ms)), Map.of("sieve", compilation), 6,
                START.plus(Duration.ofDays(day)), new BenchRecords.Environment(
                        new PerfRecord.GitState(commit, false, START.toString(), "subject"), MACHINE,
                        new PerfRecord.RuntimeVersions("25", "vm", "25.0.1", "GraalVM CE", "jargraal"), new PerfRecord.HostLoad(1.0, 1.2)));
    }

    private static List<PerfRecord> history() {
        List<PerfRecord> history = new ArrayList<>();
        for (int day = 0; day < 5; day++) {
            history.add(record(day, "c0mmit" + day, 1000, 2000));
        }
        return history;
    }

    @Test
    void aRecordCarriesRatesSpreadsRatiosWarmupAndCompilation() {
        PerfRecord record = record(0, "abcdef0123456789", 1000, 2000);
        assertEquals("2026-11-20T08:00:00Z", record.date());
        assertEquals("2026-11-20T080000Z-abcdef0123", record.id());
        assertEquals(BenchRecords.SOURCE, record.source());
        PerfRecord.WorkloadFigures sieve = record.workloads().getFirst();
        assertEquals("sieve", sieve.name());
        assertEquals(100, sieve.iterationsPerRound());
        assertEquals(100.0, sieve.guest().rate(), 0.5);
        assertEquals(1000.0, sieve.nativeRun().rate(), 5);
        assertEquals(10.0, sieve.guestOverNative(), 0.1);
        assertEquals(3.0, sieve.qemuOverNative(), 0.05);
        // Steady rounds last 999, 1000 and 1001 ms: a relative range of 0.2%.
        assertEquals(0.002, sieve.guest().spread(), 1e-4);
        assertEquals(sieve.guest().spread() + sieve.nativeRun().spread(), sieve.guestOverNativeSpread(), 1e-12);
        assertEquals(4.999, sieve.warmupSeconds(), 0.01);
        assertEquals(42L, sieve.compilations());
        assertEquals(3.5, sieve.compileSeconds());
        assertTrue(sieve.checksumsMatch());
        PerfRecord.WorkloadFigures sha256 = record.workloads().get(1);
        assertNull(sha256.compilations(), "no compilation figures were measured for sha256");
    }

    @Test
    void compareCatchesAnInjectedTwentyPercentSlowdown() {
        PerfRecord slowed = record(9, "slow", 1200, 2000);
        Comparison comparison = Comparison.compare(slowed, history(), "previous", RegressionRule.DEFAULT);
        assertTrue(comparison.regressed());
        Comparison.Row sieve = comparison.rows().getFirst();
        assertTrue(sieve.verdict().regression(), sieve.toString());
        assertEquals(0.20, sieve.verdict().change(), 0.01);
        assertFalse(comparison.rows().get(1).verdict().regression(), "sha256 is unchanged");
    }

    @Test
    void compareLetsAnUnchangedRunPass() {
        Comparison comparison = Comparison.compare(record(9, "same", 1000, 2000), history(), "previous", RegressionRule.DEFAULT);
        assertFalse(comparison.regressed(), comparison.toString());
        assertEquals(2, comparison.rows().size());
        comparison.rows().forEach(row -> assertEquals(5, row.verdict().baselineRuns()));
    }

    @Test
    void aFailedPlatformLeavesItsFiguresOut() {
        WorkloadResult failed = new WorkloadResult("sort", BenchRun.failed("guest", "crashed"), run("native", 100, 100), null);
        PerfRecord.WorkloadFigures figures = BenchRecords.figures(failed, null);
        assertNull(figures.guest());
        assertNull(figures.qemu());
        assertNull(figures.guestOverNative());
        assertNull(figures.warmupSeconds());
        assertFalse(figures.checksumsMatch());
    }
}

package dev.trufflexen.launcher.perfhistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static final List<PerfRecord> HISTORY = SyntheticHistory.mixedMachines();

    @Test
    void eachMetricIsJudgedAgainstItsOwnMachineOnly() {
        // sieve on FAST ran at 5.0 .. 5.4; on SLOW at 9.0 .. 8.6, which would hide a regression to 6.5.
        PerfRecord slower = SyntheticHistory.benchRun(SyntheticHistory.FAST, 9, "bad", 6.5, 12);
        Comparison comparison = Comparison.compare(slower, HISTORY, "previous", RegressionRule.DEFAULT);
        assertTrue(comparison.regressed());
        assertEquals(SyntheticHistory.FAST, comparison.anchor().machine());
        Comparison.Row sieve = comparison.rows().getFirst();
        assertEquals("sieve guest/native", sieve.metric().name());
        assertEquals(5.2, sieve.verdict().baseline(), 1e-9);
        assertTrue(sieve.verdict().regression());
        assertFalse(comparison.rows().get(1).verdict().regression(), "sha256 did not change");
    }

    @Test
    void refPicksTheAnchorByCommitDateOrPrevious() {
        List<PerfRecord> fast = HISTORY.stream().filter(r -> r.machine().equals(SyntheticHistory.FAST))
                .sorted(java.util.Comparator.comparing(PerfRecord::date)).toList();
        assertEquals(fast.size() - 1, Comparison.anchorIndex(fast, "previous"));
        assertEquals(1, Comparison.anchorIndex(fast, "a1c0f"));
        assertEquals(2, Comparison.anchorIndex(fast, "2026-11-03"));
        assertEquals(0, Comparison.anchorIndex(fast, "2026-11-01T12:00:00Z"));
        assertEquals(-1, Comparison.anchorIndex(fast, "2026-10-01"));
        assertEquals(-1, Comparison.anchorIndex(fast, "ffff"));
        assertThrows(IllegalArgumentException.class, () -> Comparison.anchorIndex(fast, "last-tuesday"));
        assertThrows(IllegalArgumentException.class, () -> Comparison.anchorIndex(fast, "2026-13-45"));
    }

    @Test
    void theBaselineEndsAtTheAnchor() {
        // Against day 1 (sieve 5.0, 5.1) a sieve of 5.7 is 12% worse; against the latest runs it is not.
        PerfRecord run = SyntheticHistory.benchRun(SyntheticHistory.FAST, 9, "new", 5.7, 12);
        assertTrue(Comparison.compare(run, HISTORY, "a1c0ffee", RegressionRule.DEFAULT).regressed());
        assertFalse(Comparison.compare(run, HISTORY, "previous", RegressionRule.DEFAULT).regressed());
    }

    @Test
    void aMachineWithoutHistoryHasNothingToCompareWith() {
        PerfRecord.Machine other = new PerfRecord.Machine("other-1c-1g", "Other", 1, 1L << 30, "Linux");
        PerfRecord run = SyntheticHistory.benchRun(other, 9, "new", 50, 50);
        Comparison comparison = Comparison.compare(run, HISTORY, "previous", RegressionRule.DEFAULT);
        assertNull(comparison.anchor());
        assertFalse(comparison.regressed());
        StringWriter text = new StringWriter();
        comparison.print(new PrintWriter(text), RegressionRule.DEFAULT);
        assertTrue(text.toString().contains("nothing to compare with"), text.toString());
        assertThrows(IllegalArgumentException.class,
                () -> Comparison.compare(SyntheticHistory.benchRun(SyntheticHistory.FAST, 9, "x", 5, 12), HISTORY, "2020-01-01",
                        RegressionRule.DEFAULT));
    }

    @Test
    void thePrintedComparisonNamesEveryMetricAndItsVerdict() {
        PerfRecord slower = SyntheticHistory.benchRun(SyntheticHistory.SLOW, 9, "bad", 8.5, 30);
        Comparison comparison = Comparison.compare(slower, HISTORY, "previous", RegressionRule.DEFAULT);
        StringWriter text = new StringWriter();
        comparison.print(new PrintWriter(text), RegressionRule.DEFAULT);
        String printed = text.toString();
        assertTrue(printed.matches("(?s).*sieve guest/native\\s+8\\.80x\\s+8\\.50x\\s+-3\\.4%\\s+10\\.0%\\s+ok\\n.*"), printed);
        assertTrue(printed.matches("(?s).*sha256 guest/native\\s+22\\.0x\\s+30\\.0x\\s+\\+36\\.4%\\s+10\\.0%\\s+REGRESSION\\n.*"), printed);
        assertTrue(printed.contains("1 regression"), printed);
    }
}

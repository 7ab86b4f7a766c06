package dev.trufflexen.x86.selftest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A differential run sized by system properties (trufflexen.probe.cases, trufflexen.probe.seed,
 * trufflexen.probe.filter, a regular expression) that prints every failing form matching the filter with one
 * reproducer, and the totals. Does nothing unless trufflexen.probe.cases is set.
 */
class Sse4DifferentialProbe {
    @Test
    void probe() throws Exception {
        int cases = Integer.getInteger("trufflexen.probe.cases", 0);
        assumeTrue(cases > 0 && NativeCpuOracle.supported());
        long seed = Long.getLong("trufflexen.probe.seed", 1);
        java.util.regex.Pattern filter = java.util.regex.Pattern.compile(System.getProperty("trufflexen.probe.filter", "0F 3[8A] "));
        CpuSelftestSummary summary;
        try (CpuDifferentialTester tester = new CpuDifferentialTester()) {
            summary = tester.run(cases, seed, 0, null);
        }
        int matchingForms = 0;
        int matchingCases = 0;
        int matchingFailed = 0;
        for (Map.Entry<String, CpuSelftestSummary.FormCount> e : summary.forms().entrySet()) {
            CpuSelftestSummary.FormCount count = e.getValue();
            if (!filter.matcher(e.getKey()).find()) {
                continue;
            }
            matchingForms++;
            matchingCases += count.cases;
            matchingFailed += count.failed;
            if (count.failed == 0) {
                continue;
            }
            String reason = KnownDifferences.reason(count.example);
            System.out.printf("FORM %-18s %5d/%-5d failed, %d unexpected; %s%n", e.getKey(), count.failed, count.cases, count.unexpected,
                    reason == null ? "UNEXPECTED" : "known: " + reason);
            if (count.unexpected > 0) {
                System.out.println(count.example.reproducer());
            }
        }
        System.out.printf("MATCHING forms %d, cases %d, failed %d%n", matchingForms, matchingCases, matchingFailed);
        System.out.println("TOTAL " + summary.resultLine() + " (" + summary.skipped() + " skipped), unexpected "
                + summary.unexpectedFailures());
    }
}

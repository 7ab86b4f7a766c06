package dev.trufflexen.x86.selftest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A long sweep of the CPU differential tester on demand ({@code -Dtrufflexen.sweep.cases=N
 * -Dtrufflexen.sweep.seed=S}): prints every failing form with its count, its known-difference
 * reason (or UNEXPECTED) and one example's differences. Skipped unless the case count is given.
 */
class CpuDifferentialSweep {
    @Test
    void sweep() throws Exception {
        int cases = Integer.getInteger("trufflexen.sweep.cases", 0);
        assumeTrue(cases > 0 && NativeCpuOracle.supported());
        long seed = Long.getLong("trufflexen.sweep.seed", 1);
        String only = System.getProperty("trufflexen.sweep.only", "");
        CpuSelftestSummary summary;
        try (CpuDifferentialTester tester = new CpuDifferentialTester()) {
            summary = tester.run(cases, seed, 0, null);
        }
        if (Boolean.getBoolean("trufflexen.sweep.counts")) {
            for (Map.Entry<String, CpuSelftestSummary.FormCount> e : summary.forms().entrySet()) {
                if (e.getKey().startsWith(only)) {
                    System.out.printf("count %-18s %6d cases %5d failed%n", e.getKey(), e.getValue().cases, e.getValue().failed);
                }
            }
        }
        int unexpected = 0;
        for (Map.Entry<String, CpuSelftestSummary.FormCount> e : summary.forms().entrySet()) {
            CpuSelftestSummary.FormCount count = e.getValue();
            if (count.failed == 0 || !e.getKey().startsWith(only)) {
                continue;
            }
            String reason = KnownDifferences.reason(count.example);
            if (reason == null) {
                unexpected += count.failed;
                System.out.printf("UNEXPECTED %-18s %5d/%-5d%n%s%n", e.getKey(), count.failed, count.cases, count.example.reproducer());
            } else if (Boolean.getBoolean("trufflexen.sweep.known")) {
                System.out.printf("known      %-18s %5d/%-5d %s%n", e.getKey(), count.failed, count.cases, reason);
            }
        }
        System.out.println(summary.resultLine() + " (" + summary.skipped() + " skipped), unexpected " + unexpected);
    }
}

package dev.trufflexen.x86.selftest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * How the host ends the cases of the 0F38/0F3A forms (completed, or which exception), so a
 * form's comparisons are known to exercise its arithmetic rather than only its faults. Runs
 * only with trufflexen.census.cases set.
 */
class Sse4OutcomeCensus {
    @Test
    void census() throws Exception {
        int cases = Integer.getInteger("trufflexen.census.cases", 0);
        assumeTrue(cases > 0 && NativeCpuOracle.supported());
        Map<String, int[]> byForm = new TreeMap<>();
        try (NativeCpuOracle oracle = new NativeCpuOracle()) {
            CpuCaseGenerator generator = new CpuCaseGenerator(Long.getLong("trufflexen.census.seed", 3), oracle.fsBase());
            for (int n = 0; n < cases; n++) {
                CpuCase c = generator.next();
                if (!c.form().startsWith("66 0F 3") && !c.form().contains("0F 38 F")) {
                    continue;
                }
                CpuOutcome host = oracle.run(c);
                int[] counts = byForm.computeIfAbsent(c.form(), f -> new int[32]);
                counts[host.vector() == 3 ? 0 : Math.min(host.vector(), 31)]++;
            }
        }
        for (Map.Entry<String, int[]> e : byForm.entrySet()) {
            int[] counts = e.getValue();
            StringBuilder sb = new StringBuilder();
            for (int v = 0; v < 32; v++) {
                if (counts[v] > 0) {
                    sb.append(v == 0 ? "done" : "#" + v).append('=').append(counts[v]).append(' ');
                }
            }
            System.out.printf("CENSUS %-18s %s%n", e.getKey(), sb);
        }
    }
}

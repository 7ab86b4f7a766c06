package dev.trufflexen.x86.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Runs a fixed-seed slice of the CPU differential tester against the host CPU. Forms listed in
 * {@link KnownDifferences} may mismatch (they are printed); every other form must match exactly.
 */
class CpuDifferentialTest {
    static final int CASES = Integer.getInteger("trufflexen.selftest.cases", 20_000);
    static final long SEED = Long.getLong("trufflexen.selftest.seed", 1);

    @Test
    void fixedSeedSliceHasNoUnexpectedMismatches() throws Exception {
        assumeTrue(NativeCpuOracle.supported(), "the native oracle needs Linux on x86-64");
        CpuSelftestSummary summary;
        try (CpuDifferentialTester tester = new CpuDifferentialTester()) {
            summary = tester.run(CASES, SEED, 0, null);
        }
        StringBuilder unexpected = new StringBuilder();
        for (Map.Entry<String, CpuSelftestSummary.FormCount> e : summary.forms().entrySet()) {
            CpuSelftestSummary.FormCount count = e.getValue();
            if (count.failed == 0) {
                continue;
            }
            if (count.unexpected > 0) {
                unexpected.append(count.example.reproducer());
            } else {
                System.out.printf("known difference %-16s %4d/%-4d failed: %s%n", e.getKey(), count.failed, count.cases,
                        KnownDifferences.reason(count.example));
            }
        }
        System.out.println(summary.resultLine() + " (" + summary.skipped() + " skipped)");
        assertTrue(summary.passed() > CASES / 2, "most cases must pass: " + summary.resultLine());
        assertEquals(0, summary.unexpectedFailures(), "mismatches outside KnownDifferences:\n" + unexpected);
    }

    /**
     * The one case the million-case run of seed 7 failed: FPREM (with redundant prefixes) of a
     * pseudo-denormal ST0 by an infinite ST1, which the host writes back in canonical form. Run
     * alone, through {@code firstCase}, as {@code txl selftest cpu --seed 7 --from 522450 --cases 1}.
     */
    @Test
    void fpremOfPseudoDenormalByInfinityMatchesTheHost() throws Exception {
        assumeTrue(NativeCpuOracle.supported(), "the native oracle needs Linux on x86-64");
        CpuSelftestSummary summary;
        try (CpuDifferentialTester tester = new CpuDifferentialTester()) {
            summary = tester.run(1, 7, 522_450, 1, null);
        }
        assertEquals(java.util.Set.of("D9 /7 reg"), summary.forms().keySet(), "the case generated from seed 7 is FPREM");
        StringBuilder shown = new StringBuilder();
        summary.mismatches().forEach(m -> shown.append(m.reproducer()));
        assertEquals(1, summary.passed(), summary.resultLine() + "\n" + shown);
    }

    @Test
    void sameSeedGivesSameCases() {
        CpuCaseGenerator a = new CpuCaseGenerator(42, 0x7000_0000_0000L);
        CpuCaseGenerator b = new CpuCaseGenerator(42, 0x7000_0000_0000L);
        for (int i = 0; i < 200; i++) {
            CpuCase x = a.next();
            CpuCase y = b.next();
            assertEquals(x.form(), y.form());
            assertTrue(java.util.Arrays.equals(x.code(), y.code()) && java.util.Arrays.equals(x.registers(), y.registers()));
        }
    }

    @Test
    void formNamesSeparateGroupsAndMandatoryPrefixes() {
        assertEquals("F7 /6", InstructionForm.of(new byte[] {0x48, (byte) 0xF7, (byte) 0xF1}));
        assertEquals("F3 0F BC", InstructionForm.of(new byte[] {(byte) 0xF3, 0x0F, (byte) 0xBC, (byte) 0xC0}));
        assertEquals("0F AF", InstructionForm.of(new byte[] {0x66, 0x0F, (byte) 0xAF, (byte) 0xC0}));
        assertEquals("0F AE /7 mem", InstructionForm.of(new byte[] {0x0F, (byte) 0xAE, 0x38}));
        assertEquals("66 0F 58", InstructionForm.of(new byte[] {0x66, 0x0F, 0x58, (byte) 0xC0}));
        assertEquals("F2 0F 58", InstructionForm.of(new byte[] {0x66, (byte) 0xF2, 0x0F, 0x58, (byte) 0xC0}));
    }
}

package dev.trufflexen.x86.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;

/**
 * The compiled-mode slice of the CPU differential tester: instruction sequences whose regions
 * Graal compiles before they run, with a fault injected after each of their instructions, must
 * agree with the host CPU exactly: the compiled exit paths rebuild the guest state at every
 * position. Bounded in time (compilations are slow on a loaded machine); the cases are the same
 * for a seed, only how many of them run depends on the machine.
 */
class CpuCompiledSliceTest {
    static final int SEQUENCES = Integer.getInteger("trufflexen.selftest.compiledSequences", 3_000);
    static final long SECONDS = Long.getLong("trufflexen.selftest.compiledSeconds", 90);
    static final long SEED = Long.getLong("trufflexen.selftest.seed", 1);
    /** Enough cases that a broken exit path cannot go unnoticed even on a very slow machine. */
    static final int MINIMUM_CASES = 20;

    @Test
    void faultInjectedSequencesMatchTheHostWhenCompiled() throws Exception {
        assumeTrue(NativeCpuOracle.supported(), "the native oracle needs Linux on x86-64");
        CpuSelftestSummary summary;
        try (CpuDifferentialTester tester = new CpuDifferentialTester(true)) {
            summary = tester.runFaultInjected(SEQUENCES, SEED, 5, System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS), null);
        }
        StringBuilder failures = new StringBuilder();
        for (CpuMismatch mismatch : summary.mismatches()) {
            failures.append(mismatch.reproducer());
        }
        System.out.println("compiled slice: " + summary.resultLine() + " (" + summary.skipped() + " skipped)");
        assertEquals(0, summary.failed(), "compiled-mode mismatches:\n" + failures);
        assertTrue(summary.passed() >= MINIMUM_CASES, "too few cases ran: " + summary.resultLine());
    }

    @Test
    void faultsAreInjectedAtEveryInstructionBoundary() {
        CpuCaseGenerator generator = new CpuCaseGenerator(7, 0x7000_0000_0000L);
        for (int i = 0; i < 50; i++) {
            CpuCase sequence = generator.nextSequence();
            if (!sequence.form().equals(CpuCaseMix.SEQUENCE_FORM)) {
                continue; // no instruction could lead a sequence: a single case
            }
            List<Integer> boundaries = new ArrayList<>();
            for (int offset = 0; offset <= sequence.code().length;
                    offset += X86Decoder.decode(sequence.code(), offset, sequence.rip() + offset).length()) {
                boundaries.add(offset);
                if (offset == sequence.code().length) {
                    break;
                }
            }
            List<CpuCase> cases = CpuFaultInjection.atEachPosition(sequence);
            assertEquals(boundaries.size(), cases.size(), sequence.describe());
            for (int k = 0; k < cases.size(); k++) {
                byte[] code = cases.get(k).code();
                int end = boundaries.get(k);
                assertTrue(Arrays.equals(code, 0, end, sequence.code(), 0, end), "position " + k + " keeps the sequence's first " + k + " instructions");
                X86Instruction fault = X86Decoder.decode(code, end, sequence.rip() + end);
                assertEquals(code.length, end + fault.length(), "one instruction follows them");
                assertTrue(fault.opcode() == 0x8A || fault.opcode() == 0x88 || fault.opcode() == 0x10B, "the injected instruction faults");
            }
        }
    }
}

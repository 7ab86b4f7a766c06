package dev.trufflexen.x86.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Fault;

/**
 * A mismatch counts as a failure only when the host, running the case again, gives the same
 * outcome: a host that disagrees with itself is no oracle for that case. Outcomes are built
 * directly, the host's second run a stand-in, so each verdict is certain.
 */
class CpuMismatchConfirmationTest {
    private static final CpuCase CASE = new CpuCaseGenerator(20261205, 0).next();

    /** The case stopping at {@code rip} with {@code vector}, its registers and data unchanged. */
    private static CpuOutcome stoppedAt(int vector, long rip) {
        return new CpuOutcome(vector, 0, 0, CASE.registers().clone(), rip, CASE.rflags(), CASE.data().clone(),
                new byte[X86FpuState.FXSAVE_SIZE]);
    }

    private static final CpuOutcome BREAKPOINT = stoppedAt(X86Fault.BP, CASE.rip() + 1);
    private static final CpuOutcome INVALID_OPCODE = stoppedAt(X86Fault.UD, CASE.rip());

    /** The host's second runs asked for (a new test instance per test). */
    private final AtomicInteger reruns = new AtomicInteger();

    private CpuSelftestSummary judge(CpuOutcome host, CpuOutcome ours, CpuDifferentialTester.HostRun again) {
        CpuSelftestSummary summary = new CpuSelftestSummary(5);
        CpuDifferentialTester.judge(CASE, host, ours, c -> {
            reruns.incrementAndGet();
            return again.run(c);
        }, summary);
        return summary;
    }

    @Test
    void anAgreementPassesWithoutRunningTheHostAgain() {
        CpuSelftestSummary summary = judge(BREAKPOINT, BREAKPOINT, c -> INVALID_OPCODE);
        assertEquals(1, summary.passed());
        assertEquals(0, reruns.get());
    }

    @Test
    void aMismatchTheHostRepeatsIsAFailure() {
        CpuSelftestSummary summary = judge(INVALID_OPCODE, BREAKPOINT, c -> INVALID_OPCODE);
        assertEquals(1, reruns.get());
        assertEquals(1, summary.failed() + summary.excluded());
        assertEquals(1, summary.mismatches().size() + summary.excluded());
        assertEquals(0, summary.hostUnsteady());
    }

    @Test
    void aMismatchTheHostDoesNotRepeatIsCountedApart() {
        CpuSelftestSummary summary = judge(INVALID_OPCODE, BREAKPOINT, c -> BREAKPOINT);
        assertEquals(1, reruns.get());
        assertEquals(0, summary.failed());
        assertEquals(0, summary.passed());
        assertEquals(1, summary.hostUnsteady());
        assertEquals(CASE.number(), summary.firstHostUnsteady());
        assertTrue(summary.resultLine().endsWith("0 failed"), summary.resultLine());
    }

    @Test
    void aMismatchWhoseSecondHostRunDiesIsAFailure() {
        CpuSelftestSummary summary = judge(INVALID_OPCODE, BREAKPOINT, c -> {
            throw new IOException("x86-oracle died");
        });
        assertEquals(1, summary.failed() + summary.excluded());
        assertEquals(0, summary.hostUnsteady());
    }
}

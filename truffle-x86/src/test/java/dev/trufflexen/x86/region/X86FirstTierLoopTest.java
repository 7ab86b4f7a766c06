package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A region whose loop runs long, entered a few dozen times: its first-tier code counts the
 * loop's back edges, so the region reaches its last-tier compilation although it is entered far
 * fewer times than Truffle's last-tier threshold. Without the count the first-tier code ran the
 * loop for good (matmul's main region: 50% slower rounds from its tenth on). Through the real
 * path: the dispatcher's calls, Truffle's thresholds and the engine's compilation trace.
 */
class X86FirstTierLoopTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "engine.BackgroundCompilation", "false",
            "engine.MultiTier", "true",
            "engine.FirstTierCompilationThreshold", "20",
            "engine.LastTierCompilationThreshold", "10000",
            "engine.OSR", "false", // the loop stays in the region's own code
            "x86.MinCompileRate", "0",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");
    /** mov ecx,1000; loop: add rdx,1; dec ecx; jne loop; hlt (1,000 back edges an entry). */
    private static final String LONG_LOOP = "b9e8030000" + "4883c201" + "ffc9" + "75f8" + "f4";
    private static final int LOOP_LENGTH = 1000;
    /** Far below the last tier's 10,000 calls, and 60,000 back edges. */
    private static final int ENTRIES = 60;
    private static final String REGION = "x86@" + Long.toHexString(X86TestMachine.CODE);

    @Test
    void aHotLoopInFirstTierCodeBringsTheLastTier() {
        String trace = X86CompilationCheck.enter(LONG_LOOP, ENTRIES, 0, OPTIONS,
                m -> assertEquals((long) ENTRIES * LOOP_LENGTH, m.reg(RDX)));
        assertTrue(X86CompilationCheck.compiled(trace, REGION, "Tier 1"), "no first-tier compilation:\n" + trace);
        assertTrue(X86CompilationCheck.compiled(trace, REGION, "Tier 2"),
                "the loop's back edges in first-tier code did not bring the last tier:\n" + trace);
        assertFalse(trace.contains("OSR@"), "OSR is off: the loop ran in the region's own code\n" + trace);
    }
}

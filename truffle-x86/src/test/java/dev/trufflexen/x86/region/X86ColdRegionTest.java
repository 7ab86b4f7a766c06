package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A region that runs fewer guest instructions in the interpreter than the engine option
 * {@code x86.MinCompileRate} a second (10,000 by default), entered fewer than
 * {@code x86.MinCompileEntries} times a second (100), runs its calls uncounted, so Truffle
 * never queues it however often it is entered, and the same region entered back to back compiles
 * ({@link X86RegionHeat}); through the real path: the dispatcher's calls and chained calls,
 * Truffle's thresholds and the engine's compilation trace.
 */
class X86ColdRegionTest {
    private static final Map<String, String> DEFAULTS = Map.of(
            "engine.BackgroundCompilation", "false",
            "engine.MultiTier", "true",
            "engine.FirstTierCompilationThreshold", "20",
            "engine.OSR", "false", // the loop stays in the region, interpreted until the region compiles
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");
    /**
     * mov ecx,2; lea rax,[f]; loop: call rax; dec ecx; jne loop; hlt; f: add rdx,1; ret (13 guest
     * instructions an entry; f is a region of its own, called as a chained call)
     */
    private static final String CALLING_LOOP = "b902000000" + "488d0507000000" + "ffd0" + "ffc9" + "75fa" + "f4" + "4883c201" + "c3";
    private static final int SLOW_ENTRIES = 100;
    /** Back to back: enough entries for the region's quota of 10,000 instructions, and then Truffle's threshold. */
    private static final int QUICK_ENTRIES = 2000;
    private static final String REGION = "x86@" + Long.toHexString(X86TestMachine.CODE);
    private static final String CALLEE = "x86@" + Long.toHexString(X86TestMachine.CODE + 19);

    /** Enters the region {@code entries} times, {@code gapNanos} apart, and returns the engine's trace. */
    private static String enter(int entries, long gapNanos, Map<String, String> options) {
        return X86CompilationCheck.enter(CALLING_LOOP, entries, gapNanos, options, m -> assertEquals(entries * 2L, m.reg(RDX)));
    }

    private static boolean compiled(String trace, String region) {
        return X86CompilationCheck.compiled(trace, region, null);
    }

    @Test
    void aRegionEnteredThirtyTimesASecondNeverCompiles() {
        long uncountedBefore = X86RegionHeat.uncountedRuns();
        String trace = enter(SLOW_ENTRIES, 30_000_000, DEFAULTS); // at most 33 entries a second (the callee 67): 433 instructions
        assertFalse(compiled(trace, REGION), "compiled although entered slowly:\n" + trace);
        assertFalse(compiled(trace, CALLEE), "the callee compiled although called slowly:\n" + trace);
        long uncounted = X86RegionHeat.uncountedRuns() - uncountedBefore;
        assertTrue(uncounted >= 3L * SLOW_ENTRIES, uncounted + " uncounted runs: every entry and every call should be one");
    }

    @Test
    void theSameRegionEnteredBackToBackCompiles() {
        String trace = enter(QUICK_ENTRIES, 0, DEFAULTS); // millions of instructions a second
        assertTrue(compiled(trace, REGION), "not compiled although entered back to back:\n" + trace);
    }

    @Test
    void withNoMinimumRateTheSlowlyEnteredRegionAndItsCalleeCompile() {
        Map<String, String> options = new HashMap<>(DEFAULTS);
        options.put("x86.MinCompileRate", "0");
        long uncountedBefore = X86RegionHeat.uncountedRuns();
        String trace = enter(SLOW_ENTRIES, 30_000_000, options);
        assertTrue(compiled(trace, REGION), "not compiled with x86.MinCompileRate=0:\n" + trace);
        assertTrue(compiled(trace, CALLEE), "callee not compiled with x86.MinCompileRate=0:\n" + trace);
        assertEquals(uncountedBefore, X86RegionHeat.uncountedRuns(), "no run uncounted with x86.MinCompileRate=0");
    }
}

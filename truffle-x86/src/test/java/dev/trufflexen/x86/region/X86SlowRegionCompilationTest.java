package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A region whose interpreted guest instructions come slower than the engine option
 * {@code x86.MinCompileRate} a second (1,000,000 by default) declines its first-tier compilation every time Truffle asks, and the same region
 * entered back to back compiles ({@link X86RecentUse#slow}), through the real path: the
 * dispatcher's calls, Truffle's thresholds and the region's {@code prepareForCompilation}.
 */
class X86SlowRegionCompilationTest {
    private static final Map<String, String> DEFAULTS = Map.of(
            "engine.BackgroundCompilation", "false",
            "engine.MultiTier", "true",
            "engine.FirstTierCompilationThreshold", "20",
            "engine.OSR", "false", // the loop stays in the region, interpreted until the region compiles
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");
    /** mov ecx,1000; loop: add rdx,1; dec ecx; jne loop; hlt (3,002 guest instructions an entry) */
    private static final String COUNTING_LOOP = "b9e8030000" + "4883c201" + "ffc9" + "75f8" + "f4";
    private static final int ENTRIES = 200;
    private static final String REGION = "x86@" + Long.toHexString(X86TestMachine.CODE);

    /** Enters the region {@link #ENTRIES} times, {@code gapNanos} apart, and returns the engine's trace. */
    private static String enter(long gapNanos) {
        return enter(gapNanos, DEFAULTS);
    }

    private static String enter(long gapNanos, Map<String, String> options) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, options, log), true)) {
            m.code(COUNTING_LOOP);
            for (int i = 0; i < ENTRIES; i++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                if (gapNanos > 0) {
                    LockSupport.parkNanos(gapNanos);
                }
            }
            assertEquals(ENTRIES * 1000L, m.reg(RDX));
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    private static boolean compiled(String trace) {
        return trace.lines().anyMatch(line -> line.contains("opt done") && line.contains(REGION + " ")); // the region, not its loop's OSR code
    }

    @Test
    void aRegionEnteredAFewHundredTimesASecondNeverCompiles() {
        long slowBefore = X86RecentUse.slowDeclines();
        String trace = enter(8_000_000); // at most 125 entries a second: 375,000 instructions
        assertFalse(compiled(trace), "compiled although entered slowly:\n" + trace);
        assertTrue(X86RecentUse.slowDeclines() - slowBefore >= 2, "declined at Truffle's first request and again later");
    }

    @Test
    void theSameRegionEnteredQuicklyCompiles() {
        String trace = enter(0); // millions of instructions a second
        assertTrue(compiled(trace), "not compiled although entered back to back:\n" + trace);
    }

    @Test
    void withNoMinimumRateTheSlowlyEnteredRegionCompiles() {
        Map<String, String> options = new HashMap<>(DEFAULTS);
        options.put("x86.MinCompileRate", "0");
        String trace = enter(8_000_000, options);
        assertTrue(compiled(trace), "not compiled with x86.MinCompileRate=0:\n" + trace);
    }
}

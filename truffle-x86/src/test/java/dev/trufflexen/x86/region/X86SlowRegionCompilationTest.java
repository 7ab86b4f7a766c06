package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A region entered from the dispatcher fewer than {@link X86RecentUse#MIN_RATE} times a second
 * declines its first-tier compilation every time Truffle asks, and the same region entered
 * quickly compiles ({@link X86RecentUse#slow}), through the real path: the dispatcher's calls,
 * Truffle's thresholds and the region's {@code prepareForCompilation}.
 */
class X86SlowRegionCompilationTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "engine.BackgroundCompilation", "false",
            "engine.MultiTier", "true",
            "engine.FirstTierCompilationThreshold", "20",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");
    /** add rdx,1; hlt */
    private static final String ADD_AND_HALT = "4883c201f4";
    private static final int ENTRIES = 300;
    private static final String REGION = "x86@" + Long.toHexString(X86TestMachine.CODE);

    /** Enters the region {@link #ENTRIES} times, {@code gapNanos} apart, and returns the engine's trace. */
    private static String enter(long gapNanos) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, OPTIONS, log), true)) {
            m.code(ADD_AND_HALT);
            for (int i = 0; i < ENTRIES; i++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                if (gapNanos > 0) {
                    LockSupport.parkNanos(gapNanos);
                }
            }
            assertEquals(ENTRIES, m.reg(RDX));
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    private static boolean compiled(String trace) {
        return trace.lines().anyMatch(line -> line.contains("opt done") && line.contains(REGION));
    }

    @Test
    void aRegionEnteredAFewHundredTimesASecondNeverCompiles() {
        long slowBefore = X86RecentUse.slowDeclines();
        String trace = enter(4_000_000); // at most 250 entries a second
        assertFalse(compiled(trace), "compiled although entered slowly:\n" + trace);
        assertTrue(X86RecentUse.slowDeclines() - slowBefore >= 2, "declined at Truffle's first request and again later");
    }

    @Test
    void theSameRegionEnteredQuicklyCompiles() {
        String trace = enter(0);
        assertTrue(compiled(trace), "not compiled although entered back to back:\n" + trace);
    }
}

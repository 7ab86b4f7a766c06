package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.R9;
import static dev.trufflexen.x86.cpu.X86Reg.R10;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * An OSR compilation holds only its loop: when the loop ends, the compiled code hands the next
 * block back to the interpreter, which runs the rest of the region. Real guest loops with
 * chained calls in them, compiled synchronously at a low OSR threshold, must give exact results
 * after leaving the compiled loop, including when the region then returns to the chained call
 * that entered it.
 */
class X86LoopOsrTest {
    private static final Map<String, String> OSR_SOON = Map.of(
            "engine.BackgroundCompilation", "false",
            "engine.OSRCompilationThreshold", "300",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");

    /** f(i) = i odd ? 2i + 5 : i + 1, summed for i below 3000. */
    private static long sumOfCalls() {
        long sum = 0;
        for (int i = 0; i < 3000; i++) {
            sum += (i & 1) != 0 ? 2L * i + 5 : i + 1;
        }
        return sum;
    }

    @Test
    void theRegionGoesOnInTheInterpreterAfterItsCompiledLoop() {
        // sum = 0; for i < 3000: sum += (i odd ? f2 : f1)(i) through call rax;
        // then, after the loop: r9 = 3 * sum + i; hlt
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, OSR_SOON, log), true)) {
            m.code("31d231c9488d052d000000488d352b000000f7c101000000480f45c689cfffd04801c2ffc181f9b80b000072d7486bd203"
                    + "4989d14901c9f4488d4701c3488d443f05c3");
            assertEquals("halt", m.run());
            assertEquals(3 * sumOfCalls() + 3000, m.reg(R9));
            assertEquals(3000, m.reg(RCX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            String trace = log.toString(StandardCharsets.UTF_8);
            assertTrue(trace.contains("<OSR@"), "the loop was OSR-compiled:\n" + trace);
        }
    }

    @Test
    void aCompiledLoopInAChainedCalleeEndsInARetToItsCaller() {
        // 4 times: call rbx (g); r10 += rax. g: the loop above, then rax = sum + r11; ret
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, OSR_SOON, log), true)) {
            m.code("4531d24531db488d1d0f000000ffd34901c241ffc34183fb0472f2f431d231c9488d0527000000488d3525000000"
                    + "f7c101000000480f45c689cfffd04801c2ffc181f9b80b000072d74a8d041ac3488d4701c3488d443f05c3");
            assertEquals("halt", m.run());
            assertEquals(4 * sumOfCalls() + 0 + 1 + 2 + 3, m.reg(R10));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            assertTrue(m.cpu.jumpCache().chainedCalls() > 3 * 3000, "chained: " + m.cpu.jumpCache().chainedCalls());
            String trace = log.toString(StandardCharsets.UTF_8);
            assertTrue(trace.contains("<OSR@"), "the loop was OSR-compiled:\n" + trace);
        }
    }

    /**
     * for 30 outer passes: for k below 100: r8 += f(k) + g(k) + f(k) through three call sites
     * (call rbx, call rsi, call rbx), f(k) = k + 1, g(k) = 2k; hlt. At 48 instructions per call
     * site the inner loop alone is over the OSR budget; weighed by the callees it met (two
     * instructions each) the nest fits, so its OSR code runs both loops and returns once, not at
     * every end of the inner loop (each such return is a deoptimization).
     */
    @Test
    void aLoopOfChainedCallsToSmallCalleesCompilesWithItsOuterLoop() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, OSR_SOON, log), true)) {
            m.code("4531c04531c9488d1d2b000000488d352900000031c989cfffd34901c0ffd64901c0ffd34901c0ffc183f96472e8"
                    + "41ffc14183f91e72ddf4488d4701c3488d043fc3");
            assertEquals("halt", m.run());
            assertEquals(600_000, m.reg(dev.trufflexen.x86.cpu.X86Reg.R8));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            String trace = log.toString(StandardCharsets.UTF_8);
            assertTrue(trace.contains("<OSR@"), "the loop was OSR-compiled:\n" + trace);
            long deopts = trace.lines().filter(line -> line.contains("opt deopt") && line.contains("x86@400000<OSR")).count();
            assertTrue(deopts <= 2, deopts + " deoptimizations:\n" + trace);
        }
    }

    @Test
    void aLoopOfARegionEnteredOftenLeavesItsOsrCodeWithoutDeoptimizing() {
        // 1000 runs of a 4-iteration loop: its OSR compilation comes after about 340 entries of the region.
        assertEquals(0, deoptimizationsLeavingACompiledLoop(true, 4, 1000));
    }

    @Test
    void truffleRestoringTheFrameDeoptimizesWhenACompiledLoopEnds() {
        long deopts = deoptimizationsLeavingACompiledLoop(false, 4, 1000);
        assertTrue(deopts > 500, deopts + " deoptimizations");
    }

    @Test
    void aLongLoopOfARegionEnteredRarelyDeoptimizesUntilItHasLeftOften() {
        // Compiled during the second entry, so its exits deoptimize at first; the one that makes
        // OSR_RESTORE_EXITS invalidates its OSR code, whose next compilation restores the frame.
        long deopts = deoptimizationsLeavingACompiledLoop(true, 1000, 3 * X86RegionRootNode.OSR_RESTORE_EXITS);
        assertTrue(deopts >= X86RegionRootNode.OSR_RESTORE_EXITS && deopts <= X86RegionRootNode.OSR_RESTORE_EXITS + 2,
                deopts + " deoptimizations");
    }

    /**
     * {@code runs} times from the dispatcher: edx = 0; for ecx = {@code iterations} down to 1:
     * rdx += rcx; hlt. Once the loop's OSR code exists, each run's first back edge enters it at
     * once, and each run's loop ends there: the OSR code returns its state to the interpreter's
     * frame. The region itself is not compiled (its threshold is out of reach), so every run goes
     * through the OSR code. The deoptimizations of the region's OSR code in the engine's trace.
     */
    private static long deoptimizationsLeavingACompiledLoop(boolean osrRestoreCompiled, int iterations, int runs) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, String> options = new java.util.HashMap<>(OSR_SOON);
        options.put("x86.OsrRestoreCompiled", Boolean.toString(osrRestoreCompiled));
        options.put("engine.MultiTier", "false");
        options.put("engine.SingleTierCompilationThreshold", "1000000");
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, options, log), true)) {
            m.code(String.format("b9%02x%02x000031d24801caffc975f9f4", iterations & 0xFF, iterations >> 8));
            for (int run = 0; run < runs; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                assertEquals((long) iterations * (iterations + 1) / 2, m.reg(RDX), "run " + run);
                assertEquals(0, m.reg(RCX), "run " + run);
            }
            String trace = log.toString(StandardCharsets.UTF_8);
            assertTrue(trace.contains("<OSR@"), "the loop was OSR-compiled:\n" + trace);
            return trace.lines().filter(line -> line.contains("opt deopt") && line.contains("x86@400000")).count();
        }
    }
}

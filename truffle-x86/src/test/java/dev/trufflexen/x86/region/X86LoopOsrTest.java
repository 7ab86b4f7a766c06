package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.R8;
import static dev.trufflexen.x86.cpu.X86Reg.R9;
import static dev.trufflexen.x86.cpu.X86Reg.R10;
import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiConsumer;

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
            assertEquals(600_000, m.reg(R8));
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
     * 400 times from the dispatcher: edx = 0; 50 times: for esi = r8 down to 1: rdx += rsi; hlt.
     * The nest fits one OSR compilation, and two back edges lead into it: the inner loop's, to
     * its header, and the outer loop's, to its own. Runs with a long inner loop make the nest
     * hot at the inner header, which keys its OSR compilation; runs whose inner loop makes one
     * pass (no inner back edge) meet the outer header only, and the interpreter goes on from
     * there to the inner header to enter that compilation rather than compiling the nest again
     * from the outer one.
     */
    @Test
    void aBackEdgeToAnotherHeaderOfACompiledNestEntersItsOsrCompilation() {
        String trace = runOsrOnly("31d2b9320000004489c64801f2ffce75f9ffc975f2f4", 400,
                (m, run) -> m.cpu.setReg(R8, innerPasses(run)), (m, run) -> {
                    long inner = innerPasses(run);
                    assertEquals(50 * inner * (inner + 1) / 2, m.reg(RDX), "run " + run);
                    assertEquals(0, m.reg(RCX), "run " + run);
                });
        assertEquals(1, osrCompilations(trace).size(), "one OSR compilation for the nest:\n" + trace);
    }

    /** The inner loop's passes in run {@code run} of the nest above: long and single in turn. */
    private static long innerPasses(int run) {
        return run % 2 == 0 ? 100 : 1;
    }

    /**
     * edx = 0; 50 times: for esi = r8 down to 1: rdx += rsi (r9 zero) or rdx += 2 * rsi (r9 not
     * zero), in one of two inner loops; hlt. No block is on both inner loops, so the first to get
     * hot keys the nest's OSR compilation, and once runs take only the other, its back edges wait
     * for the key's block in vain: after enough failed waits that inner loop gets an OSR
     * compilation of its own rather than running interpreted. Every run's sum is exact.
     */
    @Test
    void aLoopWaitingInVainForItsKeysBlockGetsItsOwnOsrCompilation() {
        String trace = runOsrOnly("31d2b9320000004489c64585c975094801f2ffce75f9eb0a4801f24801f2ffce75f6ffc975e1f4", 700,
                (m, run) -> {
                    m.cpu.setReg(R8, 100);
                    m.cpu.setReg(R9, run < 100 ? 0 : 1);
                }, (m, run) -> assertEquals((run < 100 ? 1 : 2) * 50 * 5050, m.reg(RDX), "run " + run));
        assertTrue(osrCompilations(trace).size() >= 2, "the second inner loop compiled on its own:\n" + trace);
    }

    /** {@link #OSR_SOON} with the region itself never compiled: every run goes through the interpreter into OSR code. */
    private static Map<String, String> osrOnly() {
        Map<String, String> options = new java.util.HashMap<>(OSR_SOON);
        options.put("engine.MultiTier", "false");
        options.put("engine.SingleTierCompilationThreshold", "1000000");
        return options;
    }

    /**
     * Runs {@code code} {@code runs} times from the dispatcher to its {@code hlt} in an
     * {@link #osrOnly} engine, with {@code setUp} before and {@code check} after each run (given
     * the run's number); the engine's trace.
     */
    private static String runOsrOnly(String code, int runs, BiConsumer<X86TestMachine, Integer> setUp,
            BiConsumer<X86TestMachine, Integer> check) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, osrOnly(), log), true)) {
            m.code(code);
            for (int run = 0; run < runs; run++) {
                setUp.accept(m, run);
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run(), "run " + run);
                check.accept(m, run);
            }
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    /** The names of the OSR compilations an engine trace reports done. */
    private static java.util.Set<String> osrCompilations(String trace) {
        return trace.lines().filter(line -> line.contains("opt done"))
                .map(line -> line.replaceAll(".*(x86@[0-9a-f]+<OSR@\\d+>).*", "$1")).filter(name -> name.contains("<OSR@"))
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * {@code runs} times from the dispatcher: rax = fib(r8) by recursion (recurse's shape), hlt.
     * The recursive function joins its caller's region, and every RET inside it returns to a
     * call site of the region: each return block is a back-edge target of one loop, the whole
     * function. One OSR compilation serves them all, entered at whichever return block the
     * interpreter meets first, and each run's result and stack are exact.
     */
    @Test
    void theReturnBlocksOfARecursiveFunctionShareOneOsrCompilation() {
        long[] fib = new long[16];
        fib[1] = 1;
        for (int n = 2; n < fib.length; n++) {
            fib[n] = fib[n - 1] + fib[n - 2];
        }
        String trace = runOsrOnly("4489c7e801000000f483ff017e14f7c7010000007506e80a000000c3e81b000000c389f8c357ffcfe8dcffffff"
                + "5f5083ef02e8d2ffffff594801c8c35783ef02e8c4ffffff5f50ffcfe8bbffffff594801c8c3", 300,
                (m, run) -> m.cpu.setReg(R8, 5 + run % 11), (m, run) -> {
                    assertEquals(fib[5 + run % 11], m.reg(RAX), "run " + run);
                    assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP), "run " + run);
                });
        assertEquals(1, osrCompilations(trace).size(), "one OSR compilation for the function's loop:\n" + trace);
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
        Map<String, String> options = osrOnly();
        options.put("x86.OsrRestoreCompiled", Boolean.toString(osrRestoreCompiled));
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

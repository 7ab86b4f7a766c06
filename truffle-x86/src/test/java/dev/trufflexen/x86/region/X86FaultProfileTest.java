package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * Fault paths compiled only once a site has faulted ({@code X86FaultProfile}): a region whose
 * division or memory read never faulted compiles without the fault path; when that site then
 * faults in compiled code, the guest still gets the exact fault, the code is invalidated once and
 * recompiled with the path, and a site that keeps faulting does not deoptimize again.
 */
class X86FaultProfileTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "engine.CompileImmediately", "false",
            "engine.BackgroundCompilation", "false",
            "engine.FirstTierCompilationThreshold", "50",
            "engine.LastTierCompilationThreshold", "100",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true",
            "x86.MinCompileRate", "0"); // a few thousand instructions in all: every call counts
    private static final String REGION = "x86@400000";
    /**
     * Entries before the fault starts: enough for the whole region to compile through its call
     * count (a region's back edges count only towards OSR of its loop, see
     * {@code X86Language.LoopsCompileRegion}), and its loop too short for OSR.
     */
    private static final int WARM_RUNS = 150;
    private static final int FAULTING_RUNS = 300;

    // mov ecx,30; loop: mov eax,100; xor edx,edx; div ebx; dec ecx; jne loop; xor edx,edx; div esi; hlt
    private static final String DIVISION = "b91e000000" + "b864000000" + "31d2" + "f7f3" + "ffc9" + "75f3" + "31d2" + "f7f6" + "f4";
    private static final long DIVISION_FAULT_RIP = X86TestMachine.CODE + 5 + 13 + 2;

    // mov ecx,30; loop: mov eax,100; xor edx,edx; div ebx; dec ecx; jne loop; mov eax,[rdi]; hlt
    private static final String READ = "b91e000000" + "b864000000" + "31d2" + "f7f3" + "ffc9" + "75f3" + "8b07" + "f4";
    private static final long READ_FAULT_RIP = X86TestMachine.CODE + 5 + 13;
    /** Past the test machine's data pages: not mapped. */
    private static final long UNMAPPED = X86TestMachine.DATA + X86TestMachine.DATA_PAGES * 4096L;

    @Test
    void aDivisionThatStartsFaultingIsRecompiledWithItsFaultPathOnce() {
        runWarmThenFaulting(DIVISION, m -> m.cpu.setReg(X86Reg.RSI, 1), m -> m.cpu.setReg(X86Reg.RSI, 0), X86Fault.DE, DIVISION_FAULT_RIP);
    }

    @Test
    void aReadThatStartsFaultingIsRecompiledWithItsFaultPathOnce() {
        runWarmThenFaulting(READ, m -> m.cpu.setReg(X86Reg.RDI, X86TestMachine.DATA), m -> m.cpu.setReg(X86Reg.RDI, UNMAPPED), X86Fault.PF,
                READ_FAULT_RIP);
    }

    private static void runWarmThenFaulting(String code, Consumer<X86TestMachine> warm,
            Consumer<X86TestMachine> faulting, int vector, long faultRip) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String warmTrace;
        String firstHalf;
        String secondHalf;
        try (X86Engine engine = X86Engine.create(false, false, OPTIONS, log);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            m.code(code);
            m.cpu.setReg(X86Reg.RBX, 7);
            for (int run = 0; run < WARM_RUNS; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                warm.accept(m);
                assertEquals("halt", m.run());
            }
            warmTrace = log.toString(StandardCharsets.UTF_8);
            int mark = warmTrace.length();
            for (int run = 0; run < FAULTING_RUNS; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                faulting.accept(m);
                Object exit = m.run();
                X86Fault fault = m.platform.lastFault();
                assertTrue(exit instanceof X86Fault, "run " + run + " ended with " + exit);
                assertEquals(vector, fault.vector(), "run " + run);
                assertEquals(faultRip, m.cpu.rip(), "run " + run);
                assertEquals(0, m.reg(X86Reg.RCX), "run " + run + ": the loop before the fault ran to its end");
                if (run == FAULTING_RUNS / 2 - 1) {
                    mark = log.size();
                }
            }
            String all = log.toString(StandardCharsets.UTF_8);
            firstHalf = all.substring(warmTrace.length(), mark);
            secondHalf = all.substring(mark);
        }
        assertTrue(count(warmTrace, "opt done") > 0, "the region was not compiled while it ran without faults:\n" + warmTrace);
        assertTrue(count(firstHalf, "opt inv") + count(firstHalf, "opt deopt") > 0,
                "the first fault in compiled code did not leave it (was the fault path compiled in?):\n" + firstHalf);
        assertTrue(count(firstHalf, "opt done") > 0, "the region was not recompiled after its site faulted:\n" + firstHalf);
        assertEquals(0, count(secondHalf, "opt inv"), "the faulting site keeps invalidating its region:\n" + secondHalf);
        assertEquals(0, count(secondHalf, "opt done"), "the faulting site keeps recompiling its region:\n" + secondHalf);
    }

    private static int count(String trace, String event) {
        return (int) trace.lines().filter(line -> line.contains(event) && line.contains(REGION)).count();
    }
}

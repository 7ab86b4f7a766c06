package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A hot loop has one compilation: the guest reaching its header other than through its region's
 * entry (the dispatcher resuming there after a stop, another region holding a copy of the loop)
 * enters the region that made it hot at that block, and runs the same OSR compilation, instead
 * of translating or compiling the loop a second time.
 */
class X86LoopEntryTest {
    private static final Map<String, String> OSR_SOON = Map.of(
            "engine.BackgroundCompilation", "false",
            "engine.OSRCompilationThreshold", "300",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");
    /** mov ecx, 1000; xor edx, edx; loop: add rdx, rcx; dec ecx; jnz loop; hlt. */
    private static final String SUM = "b9e803000031d24801caffc975f9f4";
    private static final long LOOP = X86TestMachine.CODE + 7;
    /** At CODE + 0x20: mov ecx, 300; xor edx, edx; jmp loop (of {@link #SUM}). */
    private static final long JUMPER = X86TestMachine.CODE + 0x20;
    private static final String JUMP_INTO_LOOP = "b92c01000031d2ebde";

    private static X86TestMachine machineWithHotLoop(ByteArrayOutputStream log) {
        X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, OSR_SOON, log), true);
        m.code(SUM);
        m.load(JUMPER, JUMP_INTO_LOOP);
        for (int run = 0; run < 20; run++) {
            m.cpu.setRip(X86TestMachine.CODE);
            assertEquals("halt", m.run());
            assertEquals(500_500, m.reg(RDX));
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("x86@400000<OSR@1>"), "the loop was OSR-compiled:\n" + log);
        return m;
    }

    @Test
    void resumingAtAHotLoopHeaderEntersTheRegionThatHoldsIt() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = machineWithHotLoop(log)) {
            long built = m.cpu.codeCache().regionsBuilt();
            for (int run = 0; run < 5; run++) {
                m.cpu.setRip(LOOP);
                m.cpu.setReg(RCX, 500);
                m.cpu.setReg(RDX, 7);
                assertEquals("halt", m.run());
                assertEquals(7 + 125_250, m.reg(RDX), "run " + run);
                assertEquals(0, m.reg(RCX));
            }
            // The entry runs the loop only; the hlt after it is a region of its own.
            assertEquals(built + 1, m.cpu.codeCache().regionsBuilt(), "no region was translated at the loop header");
            assertEquals(1, m.cpu.codeCache().loopEntries());
            assertEquals(1, log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("opt done") && l.contains("OSR")).count(),
                    "one OSR compilation:\n" + log);
        }
    }

    @Test
    void anotherRegionJumpingToAHotLoopLeavesForItInsteadOfCompilingItsCopy() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = machineWithHotLoop(log)) {
            long built = m.cpu.codeCache().regionsBuilt();
            for (int run = 0; run < 10; run++) {
                m.cpu.setRip(JUMPER);
                assertEquals("halt", m.run());
                assertEquals(45_150, m.reg(RDX), "run " + run);
            }
            assertEquals(built + 2, m.cpu.codeCache().regionsBuilt(), "the jumping code and the hlt after the loop, not the loop");
            assertEquals(1, m.cpu.codeCache().loopEntries());
            assertEquals(1, log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("opt done") && l.contains("OSR")).count(),
                    "one OSR compilation:\n" + log);
        }
    }

    @Test
    void aCopyTranslatedBeforeTheLoopGotHotLeavesForTheHotOne() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, OSR_SOON, log), true)) {
            m.code(SUM);
            m.load(JUMPER, JUMP_INTO_LOOP);
            m.cpu.setRip(JUMPER); // translated while nothing is hot: this region holds a copy of the loop
            assertEquals("halt", m.run());
            assertEquals(45_150, m.reg(RDX));
            for (int run = 0; run < 20; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                assertEquals(500_500, m.reg(RDX));
            }
            for (int run = 0; run < 20; run++) {
                m.cpu.setRip(JUMPER);
                assertEquals("halt", m.run());
                assertEquals(45_150, m.reg(RDX), "run " + run);
            }
            assertEquals(1, m.cpu.codeCache().loopEntries(), "the copy left for the hot loop");
            String trace = log.toString(StandardCharsets.UTF_8);
            assertEquals(1, trace.lines().filter(l -> l.contains("opt done") && l.contains("OSR")).count(), "one OSR compilation:\n" + trace);
        }
    }

    @Test
    void rewritingTheLoopDropsItsEntry() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = machineWithHotLoop(log)) {
            m.cpu.setRip(LOOP);
            m.cpu.setReg(RCX, 10);
            m.cpu.setReg(RDX, 0);
            assertEquals("halt", m.run());
            assertEquals(55, m.reg(RDX));
            // add rdx, rcx -> sub rdx, rcx: the region, and the entry into it, must go
            m.load(LOOP, "4829ca");
            m.cpu.setRip(LOOP);
            m.cpu.setReg(RCX, 10);
            m.cpu.setReg(RDX, 0);
            assertEquals("halt", m.run());
            assertEquals(-55, m.reg(RDX));
        }
    }
}

package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A hot loop whose indirect calls have met small callees is built again at its header with
 * those callees inside its region ({@code X86RegionRootNode.builtWithCallees}), through the
 * real path: the interpreter's OSR poll, the code cache, the dispatcher and a compilation.
 */
class X86CalleesIntoLoopsTest {
    /**
     * mov r8d,100000; mov ebx,DATA; xor eax,eax; loop: call [rbx]; dec r8d; jne loop; hlt;
     * f1 (+0x20): add rax,1; ret; f2 (+0x28): add rax,2; ret
     */
    private static final String VTABLE_CALL_LOOP = "41b8a0860100bb0000600031c0ff1341ffc875f9f4" + "cc".repeat(11) + "4883c001c3"
            + "cc".repeat(3) + "4883c002c3";
    private static final Map<String, String> COMPILING = Map.of("engine.BackgroundCompilation", "false", "engine.TraceCompilation", "true",
            "engine.CompilationFailureAction", "Throw");

    private static void pointTo(X86TestMachine m, long offset) {
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(X86TestMachine.CODE + offset).array();
        m.cpu.copyToGuest(X86TestMachine.DATA, bytes, 0, 8);
    }

    private static void runOnce(X86TestMachine m, long expected) {
        m.cpu.setRip(X86TestMachine.CODE);
        assertEquals("halt", m.run());
        assertEquals(expected, m.reg(X86Reg.RAX));
        assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP), "every call returned");
    }

    @Test
    void aHotLoopTakesItsCalleeInAndStillCallsWhatThePointerSays() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86Engine engine = X86Engine.create(false, false, COMPILING, log); X86TestMachine m = new X86TestMachine(engine, false)) {
            m.code(VTABLE_CALL_LOOP);
            pointTo(m, 0x20);
            for (int run = 0; run < 3; run++) {
                runOnce(m, 100_000);
            }
            assertEquals(1, m.cpu.codeCache().loopsBuiltWithCallees(), "the loop was built again with f1 inside");
            long chainedBefore = m.cpu.jumpCache().chainedCalls();
            runOnce(m, 100_000);
            assertTrue(m.cpu.jumpCache().chainedCalls() - chainedBefore < 100, "f1 ran inside the loop's region");

            pointTo(m, 0x28); // a callee the rebuilt region does not hold: a chained call, exact
            runOnce(m, 200_000);
            assertTrue(m.cpu.jumpCache().chainedCalls() - chainedBefore >= 100_000, "f2 ran as a chained call");
            assertEquals(1, m.cpu.codeCache().loopsBuiltWithCallees(), "built once");
        }
        String trace = log.toString(StandardCharsets.UTF_8);
        assertTrue(trace.contains("opt done"), trace);
    }

    @Test
    void offTheLoopKeepsItsChainedCalls() {
        Map<String, String> options = new java.util.HashMap<>(COMPILING);
        options.put("x86.CalleesIntoLoops", "false");
        try (X86Engine engine = X86Engine.create(false, false, options, new ByteArrayOutputStream());
                X86TestMachine m = new X86TestMachine(engine, false)) {
            m.code(VTABLE_CALL_LOOP);
            pointTo(m, 0x20);
            for (int run = 0; run < 3; run++) {
                runOnce(m, 100_000);
            }
            assertEquals(0, m.cpu.codeCache().loopsBuiltWithCallees());
            assertTrue(m.cpu.jumpCache().chainedCalls() >= 300_000);
        }
    }
}

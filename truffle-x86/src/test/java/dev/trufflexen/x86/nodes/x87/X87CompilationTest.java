package dev.trufflexen.x86.nodes.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.testing.X86TestMachine;

/** A hot x87 loop is compiled by Graal without failures, and computes what the FPU would. */
class X87CompilationTest {
    @Test
    void hotX87LoopIsCompiledAndExact() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, String> options = Map.of(
                "engine.CompileImmediately", "false",
                "engine.BackgroundCompilation", "false",
                "engine.FirstTierCompilationThreshold", "50",
                "engine.LastTierCompilationThreshold", "100",
                "engine.CompilationFailureAction", "Throw",
                "engine.TraceCompilation", "true");
        try (X86Engine engine = X86Engine.create(false, false, options, log);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            // fninit; fldz; mov ecx, 100000; loop: fld1; faddp st1, st0; dec ecx; jnz loop; hlt
            m.code("dbe3d9eeb9a0860100d9e8dec1ffc975f8f4");
            for (int run = 0; run < 3; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                X86FpuState fpu = m.cpu.fpu();
                int st0 = fpu.top();
                assertEquals(7, st0);
                assertEquals(0xC350_0000_0000_0000L, fpu.significand(st0), "100000.0");
                assertEquals(0x400F, fpu.signExponent(st0));
                assertEquals(0, fpu.statusWord() & 0x3F, "no exception flags");
            }
        }
        String trace = log.toString(StandardCharsets.UTF_8);
        assertTrue(trace.contains("opt done"), "no region was compiled:\n" + trace);
        assertFalse(trace.contains("opt failed"), trace);
    }
}

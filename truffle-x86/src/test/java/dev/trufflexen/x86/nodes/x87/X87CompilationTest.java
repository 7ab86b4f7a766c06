package dev.trufflexen.x86.nodes.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.testing.X86CompilationCheck;

/** A hot x87 loop is compiled by Graal without failures, and computes what the FPU would. */
class X87CompilationTest {
    @Test
    void hotX87LoopIsCompiledAndExact() {
        // fninit; fldz; mov ecx, 100000; loop: fld1; faddp st1, st0; dec ecx; jnz loop; hlt
        X86CompilationCheck.runHot("dbe3d9eeb9a0860100d9e8dec1ffc975f8f4", m -> {
        }, m -> {
            X86FpuState fpu = m.cpu.fpu();
            int st0 = fpu.top();
            assertEquals(7, st0);
            assertEquals(0xC350_0000_0000_0000L, fpu.significand(st0), "100000.0");
            assertEquals(0x400F, fpu.signExponent(st0));
            assertEquals(0, fpu.statusWord() & 0x3F, "no exception flags");
        });
    }
}

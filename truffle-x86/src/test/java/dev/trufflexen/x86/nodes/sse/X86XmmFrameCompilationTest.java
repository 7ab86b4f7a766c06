package dev.trufflexen.x86.nodes.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A compiled region that keeps its XMM registers and MXCSR in the frame: MXCSR written by
 * LDMXCSR, its PE flag committed by the exact path, read back by STMXCSR in every iteration,
 * an XMM register moved to a general register, and MXCSR on the heap after the region exits.
 * The region runs three times, so its long loop must make the whole region hot: the engine
 * counts back edges towards whole-region compilation ({@code x86.LoopsCompileRegion}).
 */
class X86XmmFrameCompilationTest {
    // mov ecx,0x4000; xor edx,edx; movsd xmm0,[DATA]; movsd xmm1,[DATA+8]
    // loop: ldmxcsr [DATA+0x10]; addsd xmm0,xmm1; ucomisd xmm0,xmm1; stmxcsr [DATA+0x14];
    //       mov eax,[DATA+0x14]; add rdx,rax; movq rbx,xmm0; dec ecx; jne loop
    // hlt
    private static final String KERNEL = "b90040000031d2f20f10042500006000f20f100c2508006000"
            + "0fae142510006000f20f58c1660f2ec10fae1c25140060008b0425140060004801c266480f7ec3ffc975d5f4";
    private static final int ITERATIONS = 0x4000;
    /** The default MXCSR: all exceptions masked, round to nearest, no flag. */
    private static final long DEFAULT_MXCSR = 0x1F80;

    @Test
    void mxcsrInTheFrameCommitsFlagsAndReachesTheHeapAtExit() {
        String trace = X86CompilationCheck.runHot(KERNEL, Map.of("x86.LoopsCompileRegion", "true"), m -> {
            m.write64(X86TestMachine.DATA, Double.doubleToRawLongBits(1.0));
            m.write64(X86TestMachine.DATA + 8, Double.doubleToRawLongBits(1e-20));
            m.write64(X86TestMachine.DATA + 0x10, DEFAULT_MXCSR);
        }, m -> {
            // 1 + 1e-20 rounds to 1 and is inexact: every iteration's LDMXCSR clears PE, the ADDSD sets it again.
            long withPrecision = DEFAULT_MXCSR | X86SseFloat.PE;
            assertEquals(ITERATIONS * withPrecision, m.reg(X86Reg.RDX));
            assertEquals(Double.doubleToRawLongBits(1.0), m.reg(X86Reg.RBX));
            assertEquals(withPrecision, m.cpu.fpu().mxcsr());
            assertEquals(withPrecision, m.read64(X86TestMachine.DATA + 0x10) >>> 32);
        });
        trace.lines().filter(l -> l.contains("opt done")).forEach(System.out::println);
    }
}

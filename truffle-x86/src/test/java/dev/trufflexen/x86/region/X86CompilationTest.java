package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86CompilationCheck;

/** A hot guest loop must be compiled by Graal, without compilation failures, bailouts or performance warnings. */
class X86CompilationTest {
    @Test
    void hotLoopRegionIsCompiled() {
        // The million-iteration summing loop (see X86ExecutionTest).
        String trace = X86CompilationCheck.runHot("31c0b9010000004801c848ffc14881f941420f0075f1f4", m -> {
        }, m -> assertEquals(500000500000L, m.reg(X86Reg.RAX)));
        System.out.println(trace);
    }

    /** A hot SSE loop (scalar and packed float arithmetic, conversions, packed integer ops, UCOMISD) compiles cleanly too. */
    @Test
    void hotSseLoopIsCompiled() {
        // mov ecx,1; pxor xmm0,xmm0; loop: cvtsi2sd xmm1,rcx; addsd xmm0,xmm1; mulsd xmm1,xmm1; sqrtsd xmm2,xmm1;
        // divsd xmm2,xmm0; paddd xmm3,xmm1; pxor xmm4,xmm3; ucomisd xmm0,xmm1; addps xmm4,xmm1; mulps xmm5,xmm1;
        // cvtdq2ps xmm6,xmm1; inc rcx; cmp rcx,0x10000; jne loop;
        // cvttsd2si rax,xmm0; hlt
        String trace = X86CompilationCheck.runHot("b901000000" + "660fefc0" + "f2480f2ac9" + "f20f58c1" + "f20f59c9" + "f20f51d1"
                + "f20f5ed0" + "660ffed9" + "660fefe3" + "660f2ec1" + "0f58e1" + "0f59e9" + "0f5bf1" + "48ffc1" + "4881f900000100" + "75ca"
                + "f2480f2cc0" + "f4", m -> {
                }, m -> assertEquals(65535L * 65536 / 2, m.reg(X86Reg.RAX)));
        trace.lines().filter(l -> l.contains("opt done")).forEach(System.out::println);
    }
}

package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86CompilationCensus;
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

    /**
     * Exits allocate nothing: no compilation of a hot region with page-fault, #GP, #SS and trap
     * sites (memory operands, PUSH/POP, HLT) calls an allocation stub; every exit object is
     * preallocated.
     */
    @Test
    void hotRegionCompilationsAllocateNothing() throws Exception {
        // mov esi,DATA; mov edx,DATA+0x1000; mov edi,3; mov r8d,2000
        // outer: xor eax,eax
        // inner: mov ecx,[rsi+rax]; imul ecx,edi; add [rdx+rax],ecx; push rcx; pop rcx; add rax,4; cmp rax,0x200; jne inner
        //        dec r8d; jne outer; hlt
        Map<String, Integer> allocations = X86CompilationCensus.allocationsPerCompilation("be00006000ba00106000bf0300000041b8d007000031c0"
                + "8b0c060fafcf010c0251594883c004483d0002000075e9" + "41ffc875e2f4");
        System.out.println("allocation stubs per compilation: " + allocations);
        assertFalse(allocations.isEmpty(), "no compilation of x86@400000 was dumped");
        allocations.forEach((compilation, count) -> assertEquals(0, count, compilation + " allocates on its exit paths"));
    }
}

package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A hot loop of SSSE3/SSE4 instructions (CRC32, PSHUFB, PCMPISTRI, ROUNDPS, PTEST, PEXTRD,
 * PINSRD, DPPS, PMOVZXBD, MOVBE) compiles without failures or performance warnings, and
 * computes the CRC-32C check value.
 */
class X86Sse4CompilationTest {
    /**
     * mov rbx, DATA; mov r8, 100000; loop: mov eax, -1; crc32 eax, byte [rbx];
     * crc32 rax, qword [rbx+1]; pshufb xmm0, xmm1; pcmpistri xmm0, xmm1, 0x0c; roundps xmm2, xmm0, 1;
     * ptest xmm0, xmm1; pextrd edx, xmm0, 1; pinsrd xmm1, edx, 2; dpps xmm2, xmm1, 0xff;
     * pmovzxbd xmm3, [rbx]; movbe esi, [rbx]; dec r8; jnz loop; hlt.
     */
    private static final String LOOP = "48c7c30000600049c7c0a0860100b8fffffffff20f38f003f2480f38f14301660f3800c1660f3a63c10c"
            + "660f3a08d001660f3817c1660f3a16c201660f3a22ca02660f3a40d1ff660f38311b0f38f03349ffc875b9f4";

    @Test
    void sse4LoopIsCompiled() {
        X86CompilationCheck.runHot(LOOP, m -> m.load(X86TestMachine.DATA, "123456789".getBytes(StandardCharsets.US_ASCII)), m -> {
            assertEquals(0x1CF9_6D7CL, m.reg(X86Reg.RAX), "CRC-32C of \"123456789\" before the final inversion");
            assertEquals(0x3132_3334L, m.reg(X86Reg.RSI), "MOVBE");
            assertEquals(0x0000_0032_0000_0031L, m.cpu.fpu().xmm(3, 0), "PMOVZXBD");
            assertEquals(0x0000_0034_0000_0033L, m.cpu.fpu().xmm(3, 1), "PMOVZXBD");
        });
    }
}

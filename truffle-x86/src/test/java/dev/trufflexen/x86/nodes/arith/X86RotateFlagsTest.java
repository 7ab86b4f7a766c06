package dev.trufflexen.x86.nodes.arith;

import static dev.trufflexen.x86.cpu.X86Reg.R9;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * Rotates and double shifts by CL in a compiled loop compute what the host does: the value, CF
 * and OF they set, and SF, ZF, AF and PF they keep from the instruction before (all flags when
 * the masked count is 0). Each program runs 100,000 times, r9 = 0, ebx = 0x12345 and ecx from
 * 100,000 down to 1: {@code imul eax, ecx, 0x9e3779b1; add eax, ebx; OP; pushfq; pop rdx;
 * and edx, 0x8d5; shl rdx, 32; add rax, rdx; add r9, rax} (for SHLD and SHRD {@code and edx, 0xc5}:
 * their OF after a count above 1 and their AF are undefined). The expected sums are what the same
 * code leaves in r9 on an x86-64 host. Checked interpreted and compiled
 * ({@link X86BitRotation} says why the compiled case once differed).
 */
class X86RotateFlagsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "rol eax cl, 429484018927403544, 4531c9bb45230100b9a086010069c1b179379e01d8d3c09c5a81e2d508000048c1e2204801d04901c1ffc975e04c89c8f4",
        "ror eax cl, 429583362994193321, 4531c9bb45230100b9a086010069c1b179379e01d8d3c89c5a81e2d508000048c1e2204801d04901c1ffc975e04c89c8f4",
        "rol ax cl, 429497151559770364, 4531c9bb45230100b9a086010069c1b179379e01d866d3c09c5a81e2d508000048c1e2204801d04901c1ffc975df4c89c8f4",
        "ror al cl, 346987690385646329, 4531c9bb45230100b9a086010069c1b179379e01d8d2c89c5a81e2d508000048c1e2204801d04901c1ffc975e04c89c8f4",
        "shld eax eax cl, 27882242921464344, 4531c9bb45230100b9a086010069c1b179379e01d80fa5c09c5a81e2c500000048c1e2204801d04901c1ffc975df4c89c8f4",
        "shrd eax eax cl, 29641213891036073, 4531c9bb45230100b9a086010069c1b179379e01d80fadc09c5a81e2c500000048c1e2204801d04901c1ffc975df4c89c8f4",
    })
    void aRotateByClInACompiledLoopMatchesTheHost(String operation, long host, String code) {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code(code);
            assertEquals("halt", m.run());
            assertEquals(host, m.reg(R9), operation + ", interpreted");
        }
        X86CompilationCheck.runHot(code, machine -> { }, machine -> assertEquals(host, machine.reg(R9), operation + ", compiled"));
    }
}

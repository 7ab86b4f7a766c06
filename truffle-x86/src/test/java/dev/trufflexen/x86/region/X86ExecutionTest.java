package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/** Whole programs run to completion on the region engine. */
class X86ExecutionTest {
    @Test
    void loopSummingToAMillion() {
        // xor eax,eax; mov ecx,1; 1: add rax,rcx; inc rcx; cmp rcx,1000001; jne 1b; hlt
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("31c0b9010000004801c848ffc14881f941420f0075f1f4");
            assertEquals("halt", m.run());
            assertEquals(500000500000L, m.reg(X86Reg.RAX));
            assertEquals(1000001L, m.reg(X86Reg.RCX));
            assertEquals(X86TestMachine.CODE + 22, m.cpu.rip()); // #GP(0) at the hlt itself
        }
    }

    @Test
    void recursiveFibonacci() {
        // mov edi,20; call fib; hlt; fib: cmp rdi,2; jb 2f; push rbx; push rdi; lea rdi,[rdi-1]; call fib;
        // mov rbx,rax; pop rdi; lea rdi,[rdi-2]; call fib; add rax,rbx; pop rbx; ret; 2: mov rax,rdi; ret
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("bf14000000e801000000f44883ff02721d5357488d7fffe8efffffff4889c35f488d7ffee8e2ffffff4801d85bc34889f8c3");
            assertEquals("halt", m.run());
            assertEquals(6765L, m.reg(X86Reg.RAX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP));
        }
    }
}

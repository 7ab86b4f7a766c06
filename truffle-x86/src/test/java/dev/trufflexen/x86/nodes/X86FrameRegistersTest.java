package dev.trufflexen.x86.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86CompilationCheck;

/**
 * Registers on demand ({@link X86FrameRegisters}) in interpreted and compiled code: a register
 * the platform changed during an in-region SYSCALL is read again from the CPU, a register written
 * on one side of a branch only is read right after the merge (its slot's tag then differs between
 * the two paths), and the loop's back edge brings all of them into the frame again.
 */
class X86FrameRegistersTest {
    // xor eax,eax; mov r8d,200000; xor ebx,ebx; xor edx,edx
    // loop: syscall (the platform adds 3 to RBX); test r8b,1; jz skip; mov edx,r8d
    // skip: add rax,rdx; add rax,rbx; dec r8d; jnz loop; hlt
    static final String KERNEL = "31c0" + "41b8400d0300" + "31db" + "31d2" + "0f05" + "41f6c001" + "7403" + "4489c2"
            + "4801d0" + "4801d8" + "41ffc8" + "75ea" + "f4";

    @Test
    void registersChangedByThePlatformOrWrittenOnOneSideAreReadRight() {
        long rax = 0;
        long rbx = 0;
        long rdx = 0;
        for (long r8 = 200_000; r8 > 0; r8--) {
            rbx += 3;
            if ((r8 & 1) != 0) {
                rdx = r8;
            }
            rax += rdx + rbx;
        }
        long sum = rax;
        long platformRbx = rbx;
        long lastRdx = rdx;
        X86CompilationCheck.runHot(KERNEL, m -> m.platform.onSyscall(cpu -> cpu.setReg(X86Reg.RBX, cpu.reg(X86Reg.RBX) + 3)), m -> {
            assertEquals(sum, m.reg(X86Reg.RAX), "RAX, the sum");
            assertEquals(platformRbx, m.reg(X86Reg.RBX), "RBX, which only the platform wrote");
            assertEquals(lastRdx, m.reg(X86Reg.RDX), "RDX, written on odd counts only");
            assertEquals(0, m.reg(X86Reg.R8), "R8, the count");
        });
    }
}

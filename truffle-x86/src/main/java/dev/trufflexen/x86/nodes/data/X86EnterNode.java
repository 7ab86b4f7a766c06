package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RBP;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86StackSegment;

/**
 * ENTER imm16, imm8 (C8) in 64-bit mode: push RBP; for nesting level L (imm8 mod 32) copy L-1
 * frame pointers from the enclosing frame (read below RBP) and push the new frame pointer; then
 * RBP = the frame pointer and RSP drops by imm16. Operand size 8 bytes, or 2 with a 66 prefix
 * (the stack pointer stays 64-bit). The final RSP must be writable (else #PF, after the pushes).
 * Registers change only once every access has succeeded.
 */
public final class X86EnterNode extends X86InstructionNode {
    private final int size;
    private final long allocation;
    private final int level;

    public X86EnterNode(long rip, int length, int size, int allocation, int level) {
        super(rip, length);
        this.size = size;
        this.allocation = allocation & 0xFFFF;
        this.level = level & 31;
    }

    @Override
    @ExplodeLoop
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long rsp = getRegister(frame, RSP);
        long rbp = getRegister(frame, RBP);
        rsp -= size;
        X86GuestMemory.write(cpu, X86StackSegment.check(rsp, size), size, rbp);
        long frameTemp = rsp;
        if (level > 0) {
            long outer = rbp;
            for (int i = 1; i < level; i++) {
                outer -= size;
                long link = X86GuestMemory.read(cpu, X86StackSegment.check(outer, size), size);
                rsp -= size;
                X86GuestMemory.write(cpu, X86StackSegment.check(rsp, size), size, link);
            }
            rsp -= size;
            X86GuestMemory.write(cpu, X86StackSegment.check(rsp, size), size, frameTemp);
        }
        rsp -= allocation;
        // The processor checks that the final stack pointer is writable (after the pushes).
        X86GuestMemory.readForWrite(cpu, X86StackSegment.check(rsp, 1), 1);
        setRegister(frame, RBP, size == 2 ? (rbp & ~0xFFFFL) | (frameTemp & 0xFFFF) : frameTemp);
        setRegister(frame, RSP, rsp);
    }
}

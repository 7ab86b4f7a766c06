package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RBP;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/** LEAVE: RSP = RBP, then pop RBP. */
public final class X86LeaveNode extends X86InstructionNode {
    public X86LeaveNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long rbp = getRegister(frame, RBP);
        long value = X86GuestMemory.read(cpu, rbp, 8);
        setRegister(frame, RSP, rbp + 8);
        setRegister(frame, RBP, value);
    }
}

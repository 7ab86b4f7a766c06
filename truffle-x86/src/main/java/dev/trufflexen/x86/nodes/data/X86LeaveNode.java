package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RBP;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FaultProfile;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86MemorySite;

/**
 * LEAVE: RSP = RBP, then pop RBP. With a 66 prefix the pop is 16 bits wide and replaces only BP
 * (the stack pointer itself is always 64 bits wide in long mode).
 */
public final class X86LeaveNode extends X86InstructionNode {
    private final int size;
    private final X86FaultProfile faults = new X86FaultProfile();

    public X86LeaveNode(long rip, int length, int size) {
        super(rip, length);
        this.size = size;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long rbp = getRegister(frame, RBP);
        long value = X86MemorySite.STACK.read(frame, cpu, rbp, size, faults);
        setRegister(frame, RSP, rbp + size);
        setRegister(frame, RBP, size == 8 ? value : (rbp & ~0xFFFFL) | (value & 0xFFFF));
    }
}

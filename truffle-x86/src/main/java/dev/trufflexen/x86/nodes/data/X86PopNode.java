package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FaultProfile;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * POP into a register or memory. RSP is incremented before the destination is written (so
 * {@code pop rsp} loads the popped value and {@code pop [rsp]} addresses with the new RSP); a
 * faulting memory destination restores RSP.
 */
public final class X86PopNode extends X86InstructionNode {
    private final int size;
    private final X86FaultProfile faults = new X86FaultProfile();
    @Child private X86OperandNode destination;

    public X86PopNode(long rip, int length, X86OperandNode destination, int size) {
        super(rip, length);
        this.size = size;
        this.destination = destination;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long rsp = getRegister(frame, RSP);
        long value = X86MemorySite.STACK.read(frame, cpu, rsp, size, faults);
        setRegister(frame, RSP, rsp + size);
        if (destination.isMemory()) {
            try {
                destination.write(frame, cpu, value);
            } catch (X86ExitException e) {
                setRegister(frame, RSP, rsp);
                throw e;
            }
        } else {
            destination.write(frame, cpu, value);
        }
    }
}

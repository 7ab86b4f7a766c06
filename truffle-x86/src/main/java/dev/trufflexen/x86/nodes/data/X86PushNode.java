package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FaultProfile;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** PUSH of a register, immediate, memory operand or segment selector (8 or 2 bytes). */
public final class X86PushNode extends X86InstructionNode {
    private final int size;
    @Child private X86OperandNode source;
    private final X86FaultProfile faults = new X86FaultProfile();

    public X86PushNode(long rip, int length, X86OperandNode source, int size) {
        super(rip, length);
        this.size = size;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = source.read(frame, cpu);
        push(frame, cpu, value, size, faults);
    }

    /** Writes below RSP, then moves RSP (so a faulting push leaves RSP unchanged). */
    public static void push(VirtualFrame frame, X86Cpu cpu, long value, int size) {
        push(frame, cpu, value, size, X86FaultProfile.ALWAYS);
    }

    /** {@link #push(VirtualFrame, X86Cpu, long, int)} for a site with its own fault profile. */
    public static void push(VirtualFrame frame, X86Cpu cpu, long value, int size, X86FaultProfile faults) {
        long address = getRegister(frame, RSP) - size;
        X86MemorySite.STACK.write(frame, cpu, address, size, value, faults);
        setRegister(frame, RSP, address);
    }

    public static long pop(VirtualFrame frame, X86Cpu cpu, int size) {
        long rsp = getRegister(frame, RSP);
        long value = X86MemorySite.STACK.read(frame, cpu, rsp, size);
        setRegister(frame, RSP, rsp + size);
        return value;
    }
}

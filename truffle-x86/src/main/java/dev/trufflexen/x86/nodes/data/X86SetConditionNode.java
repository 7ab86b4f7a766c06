package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** SETcc: the byte operand becomes 1 if the condition holds, else 0. */
public final class X86SetConditionNode extends X86InstructionNode {
    private final int conditionCode;
    @Child private X86OperandNode destination;

    public X86SetConditionNode(long rip, int length, int conditionCode, X86OperandNode destination) {
        super(rip, length);
        this.conditionCode = conditionCode;
        this.destination = destination;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        destination.write(frame, cpu, X86FlagState.condition(frame, conditionCode) ? 1 : 0);
    }
}

package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * CMOVcc. The source is read (and may fault) whatever the condition; a 32-bit destination is
 * zero-extended even when the condition is false, as on hardware.
 */
public final class X86ConditionalMoveNode extends X86InstructionNode {
    private final int conditionCode;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;

    public X86ConditionalMoveNode(long rip, int length, int conditionCode, X86OperandNode destination, X86OperandNode source) {
        super(rip, length);
        this.conditionCode = conditionCode;
        this.destination = destination;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = source.read(frame, cpu);
        if (X86FlagState.condition(frame, conditionCode)) {
            destination.write(frame, cpu, value);
        } else if (destination.size() == 4) {
            destination.write(frame, cpu, destination.read(frame, cpu));
        }
    }
}

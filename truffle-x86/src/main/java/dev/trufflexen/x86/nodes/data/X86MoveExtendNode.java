package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/** MOVZX, MOVSX and MOVSXD: a narrower source widened to the destination size. */
public final class X86MoveExtendNode extends X86InstructionNode {
    private final boolean signed;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;

    public X86MoveExtendNode(long rip, int length, boolean signed, X86OperandNode destination, X86OperandNode source) {
        super(rip, length);
        this.signed = signed;
        this.destination = destination;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = source.read(frame, cpu);
        if (signed) {
            value = X86Sizes.truncate(X86Sizes.signExtend(value, source.size()), destination.size());
        }
        destination.write(frame, cpu, value);
    }
}

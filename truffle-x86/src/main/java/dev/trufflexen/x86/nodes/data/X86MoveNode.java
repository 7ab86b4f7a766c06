package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** MOV in all its forms (register, memory, immediate, moffs); sizes are in the operands. */
public final class X86MoveNode extends X86InstructionNode {
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;

    public X86MoveNode(long rip, int length, X86OperandNode destination, X86OperandNode source) {
        super(rip, length);
        this.destination = destination;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        destination.write(frame, cpu, source.read(frame, cpu));
    }
}

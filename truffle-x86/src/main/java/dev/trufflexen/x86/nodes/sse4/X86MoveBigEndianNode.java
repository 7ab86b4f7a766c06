package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** MOVBE (0F 38 F0/F1): a 16-, 32- or 64-bit move between a register and memory with the bytes reversed. */
public final class X86MoveBigEndianNode extends X86InstructionNode {
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;

    public X86MoveBigEndianNode(long rip, int length, X86OperandNode destination, X86OperandNode source) {
        super(rip, length);
        this.destination = destination;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = source.read(frame, cpu);
        long swapped = switch (source.size()) {
            case 2 -> Short.reverseBytes((short) value) & 0xFFFFL;
            case 4 -> Integer.reverseBytes((int) value) & 0xFFFF_FFFFL;
            default -> Long.reverseBytes(value);
        };
        destination.write(frame, cpu, swapped);
    }
}

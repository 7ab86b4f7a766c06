package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** BSF and BSR: index of the lowest/highest set bit; a zero source sets ZF and keeps the destination. */
public final class X86BitScanNode extends X86InstructionNode {
    private final boolean reverse;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;

    public X86BitScanNode(long rip, int length, boolean reverse, X86OperandNode destination, X86OperandNode source) {
        super(rip, length);
        this.reverse = reverse;
        this.destination = destination;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = source.read(frame, cpu);
        long flags = X86FlagState.status(frame);
        if (value == 0) {
            X86FlagState.setStatus(frame, flags | X86Rflags.ZF);
            return;
        }
        destination.write(frame, cpu, reverse ? 63 - Long.numberOfLeadingZeros(value) : Long.numberOfTrailingZeros(value));
        X86FlagState.setStatus(frame, flags & ~X86Rflags.ZF);
    }
}

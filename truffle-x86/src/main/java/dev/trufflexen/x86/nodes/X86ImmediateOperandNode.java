package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;

/** An immediate, already sign-extended as the instruction requires and truncated to the operand size. */
public final class X86ImmediateOperandNode extends X86OperandNode {
    private final long value;

    public X86ImmediateOperandNode(long value, int size) {
        super(size);
        this.value = value & X86Sizes.mask(size);
    }

    @Override
    public long read(VirtualFrame frame, X86Cpu cpu) {
        return value;
    }

    @Override
    public void write(VirtualFrame frame, X86Cpu cpu, long newValue) {
        throw CompilerDirectives.shouldNotReachHere("write to an immediate operand");
    }
}

package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * TZCNT, LZCNT and POPCNT (F3 0F BC, BD, B8). Unlike BSF/BSR they always write the destination:
 * a zero source counts as the operand width. TZCNT/LZCNT set CF when the source is zero and ZF
 * when the count is zero (OF, SF, AF, PF undefined); POPCNT clears every arithmetic flag but ZF,
 * which it sets for a zero source.
 */
public final class X86BitCountNode extends X86InstructionNode {
    public static final int TZCNT = 0;
    public static final int LZCNT = 1;
    public static final int POPCNT = 2;

    private final int operation;
    private final int size;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;

    public X86BitCountNode(long rip, int length, int operation, X86OperandNode destination, X86OperandNode source) {
        super(rip, length);
        this.operation = operation;
        this.size = destination.size();
        this.destination = destination;
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = X86Sizes.truncate(source.read(frame, cpu), size);
        int bits = X86Sizes.bits(size);
        long flags = X86FlagState.status(frame);
        long count;
        switch (operation) {
            case TZCNT -> count = value == 0 ? bits : Long.numberOfTrailingZeros(value);
            case LZCNT -> count = value == 0 ? bits : Long.numberOfLeadingZeros(value) - (64 - bits);
            default -> count = Long.bitCount(value);
        }
        destination.write(frame, cpu, count);
        if (operation == POPCNT) {
            flags &= ~(X86Rflags.CF | X86Rflags.PF | X86Rflags.AF | X86Rflags.ZF | X86Rflags.SF | X86Rflags.OF);
            flags = X86FlagState.withFlag(flags, X86Rflags.ZF, value == 0);
        } else {
            flags = X86FlagState.withFlag(flags, X86Rflags.CF, value == 0);
            flags = X86FlagState.withFlag(flags, X86Rflags.ZF, count == 0);
        }
        X86FlagState.setStatus(frame, flags);
    }
}

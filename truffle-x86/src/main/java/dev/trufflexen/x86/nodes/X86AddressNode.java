package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.Node;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;

/**
 * Effective-address computation {@code segbase + base + index*scale + disp}. RIP-relative
 * operands arrive with the absolute address folded into {@code displacement} and no base. Only
 * FS and GS have a base in long mode. With a 0x67 prefix the offset wraps at 32 bits.
 *
 * <p>An RSP- or RBP-based operand without an FS/GS override addresses the stack segment: a
 * non-canonical address there is #SS(0), not #GP(0), so such operands check it here (before any
 * paging) rather than leaving it to the MMU.
 */
public final class X86AddressNode extends Node {
    public static final int NO_REGISTER = -1;

    private final int base;
    private final int index;
    private final int scaleShift;
    private final long displacement;
    private final int segment;
    private final boolean address32;
    private final boolean stackSegment;

    public X86AddressNode(int base, int index, int scaleShift, long displacement, int segment, boolean address32) {
        this.base = base;
        this.index = index;
        this.scaleShift = scaleShift;
        this.displacement = displacement;
        this.segment = segment;
        this.address32 = address32;
        this.stackSegment = (base == X86Reg.RSP || base == X86Reg.RBP) && segment != X86Segment.FS && segment != X86Segment.GS;
    }

    public int base() {
        return base;
    }

    public int index() {
        return index;
    }

    /** An RSP/RBP-based operand without FS/GS: the stack segment (#SS rather than #GP). */
    /** The segment register the operand goes through: SS for a stack-segment operand, else its override or DS. */
    public int effectiveSegment() {
        if (stackSegment) {
            return X86Segment.SS;
        }
        return segment == X86Segment.FS || segment == X86Segment.GS || segment == X86Segment.ES || segment == X86Segment.CS
                || segment == X86Segment.SS ? segment : X86Segment.DS;
    }

    public boolean isStackSegment() {
        return stackSegment;
    }

    /** The offset within the segment (what LEA produces). */
    public long offset(VirtualFrame frame) {
        long offset = displacement;
        if (base != NO_REGISTER) {
            offset += X86FrameRegisters.read(frame, base);
        }
        if (index != NO_REGISTER) {
            offset += X86FrameRegisters.read(frame, index) << scaleShift;
        }
        return address32 ? X86Sizes.truncate(offset, 4) : offset;
    }

    /** The linear address (#SS(0) here for a non-canonical stack-segment address). */
    public long execute(VirtualFrame frame, X86Cpu cpu) {
        return linear(cpu, offset(frame), true);
    }

    /**
     * The linear address without the stack-segment check, for operands with an alignment rule:
     * the processor raises the alignment #GP(0) first, so such nodes call
     * {@link #checkStackSegment} after their own check.
     */
    public long executeUnchecked(VirtualFrame frame, X86Cpu cpu) {
        return linear(cpu, offset(frame), false);
    }

    /** Returns {@code linear}, after the #SS(0) check over {@code size} bytes for a stack-segment operand. */
    public long checkStackSegment(long linear, int size) {
        return stackSegment ? X86StackSegment.check(linear, size) : linear;
    }

    /**
     * The linear address of the operand moved by {@code extra} bytes before the address-size
     * wrap (BT/BTS/BTR/BTC with a register bit offset address memory this way).
     */
    public long executeDisplaced(VirtualFrame frame, X86Cpu cpu, long extra) {
        long offset = offset(frame) + extra;
        return linear(cpu, address32 ? X86Sizes.truncate(offset, 4) : offset, true);
    }

    private long linear(X86Cpu cpu, long offset, boolean checkStack) {
        if (checkStack && stackSegment) {
            X86StackSegment.check(offset, 1);
        }
        if (segment == X86Segment.FS) {
            return offset + cpu.fsBase();
        } else if (segment == X86Segment.GS) {
            return offset + cpu.gsBase();
        }
        return offset;
    }
}

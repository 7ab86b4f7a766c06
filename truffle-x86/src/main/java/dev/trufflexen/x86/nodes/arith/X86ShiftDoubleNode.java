package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/** SHLD and SHRD: shift the destination, filling from the source register. */
public final class X86ShiftDoubleNode extends X86InstructionNode {
    private final boolean left;
    private final int size;
    private final boolean zeroExtendsOnZeroCount;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;
    @Child private X86OperandNode count;

    public X86ShiftDoubleNode(long rip, int length, boolean left, X86OperandNode destination, X86OperandNode source, X86OperandNode count) {
        super(rip, length);
        this.left = left;
        this.size = destination.size();
        this.destination = destination;
        this.zeroExtendsOnZeroCount = X86ZeroCountShift.zeroExtendsOnZeroCount(destination);
        this.source = source;
        this.count = count;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        int n = (int) (count.read(frame, cpu) & (size == 8 ? 63 : 31));
        if (n == 0) {
            X86ZeroCountShift.execute(frame, cpu, destination, zeroExtendsOnZeroCount);
            return;
        }
        long a = destination.readForWrite(frame, cpu);
        long b = source.read(frame, cpu);
        int bits = X86Sizes.bits(size);
        long result;
        if (n >= bits) { // only reachable for 16-bit operands; past 16 the result is undefined
            result = left ? X86Sizes.truncate(b << (n - bits), size) : X86Sizes.truncate(b >>> (n - bits), size);
        } else if (left) {
            result = X86BitRotation.shiftLeftDouble(a, b, n, size);
        } else {
            result = X86BitRotation.shiftRightDouble(a, b, n, size);
        }
        destination.writeBack(frame, cpu, result);
        // CF is the last bit shifted out of the destination (a count of exactly 16 shifts all of
        // it out), OF whether the sign changed: both derived only when read.
        X86FlagState.setLazy(frame, X86FlagState.op(left ? X86FlagState.SHIFT_LEFT_DOUBLE : X86FlagState.SHIFT_RIGHT_DOUBLE, size),
                result, a, n);
    }
}

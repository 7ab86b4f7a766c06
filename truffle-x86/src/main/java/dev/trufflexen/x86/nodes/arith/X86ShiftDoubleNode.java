package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
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
        long mask = X86Sizes.mask(size);
        long result;
        boolean carry;
        if (n >= bits) { // only reachable for 16-bit operands; past 16 the result is undefined
            result = left ? (b << (n - bits)) & mask : (b >>> (n - bits)) & mask;
            // A count of exactly 16 shifts the whole destination out: CF is its last bit.
            carry = n == bits && (left ? (a & 1) != 0 : ((a >>> (bits - 1)) & 1) != 0);
        } else if (left) {
            result = ((a << n) | (b >>> (bits - n))) & mask;
            carry = ((a >>> (bits - n)) & 1) != 0;
        } else {
            result = ((a >>> n) | (b << (bits - n))) & mask;
            carry = ((a >>> (n - 1)) & 1) != 0;
        }
        destination.write(frame, cpu, result);
        long sign = X86Sizes.signBit(size);
        long flags = X86FlagState.withResultFlags(X86FlagState.status(frame), result, size);
        flags = X86FlagState.withFlag(flags, X86Rflags.CF, carry);
        flags = X86FlagState.withFlag(flags, X86Rflags.OF, ((a ^ result) & sign) != 0);
        X86FlagState.setStatus(frame, flags);
    }
}

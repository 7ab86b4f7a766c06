package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * Group-2 shifts and rotates: ROL, ROR, RCL, RCR, SHL, SHR, SAL (= SHL), SAR, numbered by
 * ModRM.reg. The count (immediate, 1 or CL) is masked to 5 bits (6 for 64-bit operands); a
 * zero count changes nothing. Rotates change only CF and OF ({@link X86FlagState#ROTATE_LEFT},
 * {@link X86FlagState#ROTATE}); shifts also set SF, ZF, PF and clear AF
 * ({@link X86FlagState#SHIFT_LEFT}). ROL, ROR and the shifts leave their flags lazy.
 */
public final class X86ShiftNode extends X86InstructionNode {
    public static final int ROL = 0;
    public static final int ROR = 1;
    public static final int RCL = 2;
    public static final int RCR = 3;
    public static final int SHL = 4;
    public static final int SHR = 5;
    public static final int SAL = 6;
    public static final int SAR = 7;

    private final int operation;
    private final int size;
    private final boolean zeroExtendsOnZeroCount;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode count;

    public X86ShiftNode(long rip, int length, int operation, X86OperandNode destination, X86OperandNode count) {
        super(rip, length);
        this.operation = operation;
        this.size = destination.size();
        this.destination = destination;
        this.zeroExtendsOnZeroCount = X86ZeroCountShift.zeroExtendsOnZeroCount(destination);
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
        int bits = X86Sizes.bits(size);
        long mask = X86Sizes.mask(size);
        switch (operation) {
            case ROL: {
                int c = n % bits;
                long result = X86BitRotation.rotateLeft(a, c, size);
                destination.writeBack(frame, cpu, result);
                X86FlagState.setRotateResult(frame, size, true, result);
                return;
            }
            case ROR: {
                int c = n % bits;
                long result = X86BitRotation.rotateRight(a, c, size);
                destination.writeBack(frame, cpu, result);
                X86FlagState.setRotateResult(frame, size, false, result);
                return;
            }
            case RCL: {
                int c = size < 4 ? n % (bits + 1) : n;
                long result = a;
                boolean carry = X86FlagState.carry(frame);
                for (int i = 0; i < c; i++) {
                    boolean out = msb(result);
                    result = ((result << 1) | (carry ? 1 : 0)) & mask;
                    carry = out;
                }
                destination.writeBack(frame, cpu, result);
                X86FlagState.setRotate(frame, size, carry, msb(result) != carry);
                return;
            }
            case RCR: {
                int c = size < 4 ? n % (bits + 1) : n;
                boolean carryIn = X86FlagState.carry(frame);
                long result = a;
                boolean carry = carryIn;
                boolean overflow = msb(a) != carryIn;
                for (int i = 0; i < c; i++) {
                    boolean out = (result & 1) != 0;
                    result = (result >>> 1) | (carry ? X86Sizes.signBit(size) : 0);
                    carry = out;
                }
                destination.writeBack(frame, cpu, result);
                X86FlagState.setRotate(frame, size, carry, overflow);
                return;
            }
            case SHR:
                shifted(frame, cpu, X86FlagState.SHIFT_RIGHT, n < bits ? a >>> n : 0, a, n);
                return;
            case SAR:
                shifted(frame, cpu, X86FlagState.SHIFT_ARITHMETIC, X86Sizes.truncate(X86Sizes.signExtend(a, size) >> Math.min(n, 63), size), a, n);
                return;
            default: // SHL, SAL
                shifted(frame, cpu, X86FlagState.SHIFT_LEFT, n < bits ? X86Sizes.truncate(a << n, size) : 0, a, n);
                return;
        }
    }

    /** Writes a shift's result; its flags stay lazy, derived from the value shifted and the count ({@link X86FlagState#SHIFT_LEFT}). */
    private void shifted(VirtualFrame frame, X86Cpu cpu, int kind, long result, long shifted, int n) {
        destination.writeBack(frame, cpu, result);
        X86FlagState.setLazy(frame, X86FlagState.op(kind, size), result, shifted, n);
    }

    private boolean msb(long value) {
        return (value & X86Sizes.signBit(size)) != 0;
    }
}

package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * Group-2 shifts and rotates: ROL, ROR, RCL, RCR, SHL, SHR, SAL (= SHL), SAR, numbered by
 * ModRM.reg. The count (immediate, 1 or CL) is masked to 5 bits (6 for 64-bit operands); a
 * zero count changes nothing. Rotates change only CF and OF ({@link X86FlagState#ROTATE});
 * shifts also set SF, ZF, PF (lazily, as {@link X86FlagState#RESULT}) and clear AF.
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
        long result;
        boolean carry;
        boolean overflow;
        switch (operation) {
            case ROL: {
                int c = n % bits;
                result = c == 0 ? a : ((a << c) | (a >>> (bits - c))) & mask;
                carry = (result & 1) != 0;
                overflow = msb(result) != carry;
                break;
            }
            case ROR: {
                int c = n % bits;
                result = c == 0 ? a : ((a >>> c) | (a << (bits - c))) & mask;
                carry = msb(result);
                overflow = msb(result) != ((result & (X86Sizes.signBit(size) >>> 1)) != 0);
                break;
            }
            case RCL: {
                int c = size < 4 ? n % (bits + 1) : n;
                result = a;
                carry = X86FlagState.carry(frame);
                for (int i = 0; i < c; i++) {
                    boolean out = msb(result);
                    result = ((result << 1) | (carry ? 1 : 0)) & mask;
                    carry = out;
                }
                overflow = msb(result) != carry;
                break;
            }
            case RCR: {
                int c = size < 4 ? n % (bits + 1) : n;
                boolean carryIn = X86FlagState.carry(frame);
                result = a;
                carry = carryIn;
                overflow = msb(a) != carryIn;
                for (int i = 0; i < c; i++) {
                    boolean out = (result & 1) != 0;
                    result = (result >>> 1) | (carry ? X86Sizes.signBit(size) : 0);
                    carry = out;
                }
                break;
            }
            case SHR:
                result = n < bits ? a >>> n : 0;
                carry = n <= bits && ((a >>> (n - 1)) & 1) != 0;
                overflow = msb(a);
                break;
            case SAR: {
                long signed = X86Sizes.signExtend(a, size);
                result = (signed >> Math.min(n, 63)) & mask;
                carry = ((signed >> Math.min(n - 1, 63)) & 1) != 0;
                overflow = false;
                break;
            }
            default: // SHL, SAL
                result = n < bits ? (a << n) & mask : 0;
                carry = n <= bits && ((a >>> (bits - n)) & 1) != 0;
                overflow = msb(result) != carry;
                break;
        }
        destination.write(frame, cpu, result);
        if (operation >= SHL) {
            long carryOverflow = (carry ? X86Rflags.CF : 0) | (overflow ? X86Rflags.OF : 0);
            X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.RESULT, size), result, carryOverflow, 0);
            return;
        }
        X86FlagState.setRotate(frame, size, carry, overflow);
    }

    private boolean msb(long value) {
        return (value & X86Sizes.signBit(size)) != 0;
    }
}

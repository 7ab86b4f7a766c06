package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * ADD, OR, ADC, SBB, AND, SUB, XOR, CMP (numbered as in the opcode's bits 3..5 and group-1
 * ModRM.reg) and TEST. Flags are lazy except for ADC and SBB, whose carry-in makes them eager.
 */
public final class X86BinaryArithmeticNode extends X86ReadModifyWriteNode {
    public static final int ADD = 0;
    public static final int OR = 1;
    public static final int ADC = 2;
    public static final int SBB = 3;
    public static final int AND = 4;
    public static final int SUB = 5;
    public static final int XOR = 6;
    public static final int CMP = 7;
    public static final int TEST = 8;

    private final int operation;
    @Child private X86OperandNode source;

    public X86BinaryArithmeticNode(long rip, int length, int operation, X86OperandNode destination, X86OperandNode source, boolean locked) {
        super(rip, length, destination, locked);
        this.operation = operation;
        this.source = source;
    }

    @Override
    protected long compute(long a, long b, boolean carry) {
        long result = switch (operation) {
            case ADD -> a + b;
            case OR -> a | b;
            case ADC -> a + b + (carry ? 1 : 0);
            case SBB -> a - b - (carry ? 1 : 0);
            case AND, TEST -> a & b;
            case SUB, CMP -> a - b;
            default -> a ^ b;
        };
        return result & X86Sizes.mask(size);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long b = source.read(frame, cpu);
        boolean carry = (operation == ADC || operation == SBB) && X86FlagState.carry(frame);
        long a = update(frame, cpu, b, carry, operation != CMP && operation != TEST);
        long result = compute(a, b, carry);
        switch (operation) {
            case ADD -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.ADD, size), result, a, b);
            case SUB, CMP -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.SUB, size), result, a, b);
            case ADC, SBB -> setCarryFlags(frame, a, b, result, carry);
            default -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.LOGIC, size), result, a, b);
        }
    }

    private void setCarryFlags(VirtualFrame frame, long a, long b, long result, boolean carryIn) {
        long sign = X86Sizes.signBit(size);
        boolean carry;
        boolean overflow;
        if (operation == ADC) {
            carry = carryIn ? Long.compareUnsigned(result, a) <= 0 : Long.compareUnsigned(result, a) < 0;
            overflow = ((a ^ result) & (b ^ result) & sign) != 0;
        } else {
            carry = carryIn ? Long.compareUnsigned(a, b) <= 0 : Long.compareUnsigned(a, b) < 0;
            overflow = ((a ^ b) & (a ^ result) & sign) != 0;
        }
        long flags = X86FlagState.withResultFlags(X86FlagState.status(frame), result, size);
        flags = X86FlagState.withFlag(flags, X86Rflags.CF, carry);
        flags = X86FlagState.withFlag(flags, X86Rflags.OF, overflow);
        flags = X86FlagState.withFlag(flags, X86Rflags.AF, ((a ^ b ^ result) & 0x10) != 0);
        X86FlagState.setStatus(frame, flags);
    }
}

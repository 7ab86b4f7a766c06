package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * ADD, OR, ADC, SBB, AND, SUB, XOR, CMP (numbered as in the opcode's bits 3..5 and group-1
 * ModRM.reg) and TEST. Flags are lazy (see {@link X86FlagState}).
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
        return X86Sizes.truncate(result, size);
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
            case ADC -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.ADC, size), result, a, b);
            case SBB -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.SBB, size), result, a, b);
            default -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.LOGIC, size), result, a, b);
        }
    }
}

package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/** INC, DEC (CF kept), NOT (no flags) and NEG (flags of 0 - x). */
public final class X86UnaryArithmeticNode extends X86ReadModifyWriteNode {
    public static final int INC = 0;
    public static final int DEC = 1;
    public static final int NOT = 2;
    public static final int NEG = 3;

    private final int operation;

    public X86UnaryArithmeticNode(long rip, int length, int operation, X86OperandNode destination, boolean locked) {
        super(rip, length, destination, locked);
        this.operation = operation;
    }

    @Override
    protected long compute(long value, long unused, boolean carry) {
        long result = switch (operation) {
            case INC -> value + 1;
            case DEC -> value - 1;
            case NOT -> ~value;
            default -> -value;
        };
        return X86Sizes.truncate(result, size);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        boolean carry = (operation == INC || operation == DEC) && X86FlagState.carry(frame);
        long old = update(frame, cpu, 0, false, true);
        long result = compute(old, 0, false);
        switch (operation) {
            case INC -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.INC, size), result, old, carry ? 1 : 0);
            case DEC -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.DEC, size), result, old, carry ? 1 : 0);
            case NEG -> X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.SUB, size), result, 0, old);
            default -> {
            }
        }
    }
}

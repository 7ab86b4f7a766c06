package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/** XADD: temp = dest + src; src = dest; dest = temp (memory first, so a fault changes nothing). */
public final class X86ExchangeAddNode extends X86ReadModifyWriteNode {
    @Child private X86OperandNode source;

    public X86ExchangeAddNode(long rip, int length, X86OperandNode destination, X86OperandNode source, boolean locked) {
        super(rip, length, destination, locked);
        this.source = source;
    }

    @Override
    protected long compute(long value, long addend, boolean carry) {
        return X86Sizes.truncate(value + addend, size);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long b = source.read(frame, cpu);
        long old;
        if (destination.isMemory()) {
            old = update(frame, cpu, b, false, true);
            source.write(frame, cpu, old);
        } else {
            old = destination.read(frame, cpu);
            source.write(frame, cpu, old);
            destination.write(frame, cpu, compute(old, b, false));
        }
        X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.ADD, size), compute(old, b, false), old, b);
    }
}

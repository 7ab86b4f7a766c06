package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86SplitLock;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * CMPXCHG: if rAX equals the destination, store the source there (ZF=1); otherwise load the
 * destination into rAX (ZF=0). Flags are those of CMP rAX, destination. With LOCK the compare
 * and store are one host compare-and-swap.
 */
public final class X86CompareExchangeNode extends X86InstructionNode {
    private final int size;
    private final boolean locked;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode source;
    @Child private X86OperandNode accumulator;

    public X86CompareExchangeNode(long rip, int length, X86OperandNode destination, X86OperandNode source, X86OperandNode accumulator, boolean locked) {
        super(rip, length);
        this.size = destination.size();
        this.locked = locked && destination.isMemory();
        this.destination = destination;
        this.source = source;
        this.accumulator = accumulator;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long expected = accumulator.read(frame, cpu);
        long replacement = source.read(frame, cpu);
        long current;
        if (locked) {
            long address = destination.address().execute(frame, cpu);
            long host = cpu.mmu().lockedHostAddress(address, size);
            if (host != 0) {
                do {
                    current = X86GuestMemory.loadHost(host, size);
                } while (current == expected && !X86GuestMemory.casHost(host, size, current, replacement));
            } else {
                current = X86SplitLock.update(cpu, address, size, old -> old == expected ? replacement : old);
            }
        } else {
            current = destination.readForWrite(frame, cpu);
            if (current == expected) {
                destination.writeBack(frame, cpu, replacement);
            } else if (destination.isMemory()) {
                destination.writeBack(frame, cpu, current);
            }
        }
        if (current != expected) {
            accumulator.write(frame, cpu, current);
        }
        X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.SUB, size), X86Sizes.truncate(expected - current, size), expected, current);
    }
}

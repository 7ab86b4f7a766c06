package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86SplitLock;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * Base of instructions that read a destination, compute and write it back. With a LOCK prefix
 * (and a memory destination) the update is one compare-and-swap loop on the host address, so
 * other vCPUs never see a torn or lost update (an operand that crosses a page takes the
 * {@link X86SplitLock}).
 */
abstract class X86ReadModifyWriteNode extends X86InstructionNode {
    protected final int size;
    protected final boolean locked;
    @Child protected X86OperandNode destination;

    X86ReadModifyWriteNode(long rip, int length, X86OperandNode destination, boolean locked) {
        super(rip, length);
        this.size = destination.size();
        this.destination = destination;
        this.locked = locked && destination.isMemory();
    }

    /** The new value of the destination. Must be pure: a locked update may evaluate it repeatedly. */
    protected abstract long compute(long value, long source, boolean carry);

    /**
     * Reads the destination, writes {@code compute(old, source, carry)} back unless
     * {@code writeBack} is false, and returns the old value. Faults before anything is written.
     */
    protected final long update(VirtualFrame frame, X86Cpu cpu, long source, boolean carry, boolean writeBack) {
        if (locked) {
            long address = destination.address().execute(frame, cpu);
            long host = cpu.mmu().lockedHostAddress(address, size);
            if (host != 0) {
                long old;
                do {
                    old = X86GuestMemory.loadHost(host, size);
                } while (!X86GuestMemory.casHost(host, size, old, compute(old, source, carry)));
                return old;
            }
            return X86SplitLock.update(cpu, address, size, old -> compute(old, source, carry));
        }
        long old = writeBack ? destination.readForWrite(frame, cpu) : destination.read(frame, cpu);
        if (writeBack) {
            destination.writeBack(frame, cpu, compute(old, source, carry));
        }
        return old;
    }
}

package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86SplitLock;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * BT, BTS, BTR, BTC: CF = the selected bit, then (except BT) set, clear or flip it. With a
 * memory operand and a register offset the offset is a signed bit index into a bit string
 * starting at the operand's address (x86 bit-string addressing).
 */
public final class X86BitTestNode extends X86InstructionNode {
    public static final int BT = 0;
    public static final int BTS = 1;
    public static final int BTR = 2;
    public static final int BTC = 3;

    private final int operation;
    private final int size;
    private final boolean immediateOffset;
    private final boolean locked;
    @Child private X86OperandNode base;
    @Child private X86OperandNode offset;

    public X86BitTestNode(long rip, int length, int operation, X86OperandNode base, X86OperandNode offset, boolean immediateOffset, boolean locked) {
        super(rip, length);
        this.operation = operation;
        this.size = base.size();
        this.immediateOffset = immediateOffset;
        this.locked = locked && base.isMemory();
        this.base = base;
        this.offset = offset;
    }

    private long modify(long value, int bit) {
        return switch (operation) {
            case BTS -> value | (1L << bit);
            case BTR -> value & ~(1L << bit);
            case BTC -> value ^ (1L << bit);
            default -> value;
        };
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long index = offset.read(frame, cpu);
        int bits = X86Sizes.bits(size);
        long value;
        int bit;
        if (!base.isMemory()) {
            bit = (int) (index & (bits - 1));
            value = base.read(frame, cpu);
            if (operation != BT) {
                base.write(frame, cpu, modify(value, bit));
            }
        } else {
            long address;
            if (immediateOffset) {
                address = base.address().execute(frame, cpu);
                bit = (int) (index & (bits - 1));
            } else {
                long signedIndex = X86Sizes.signExtend(index, size);
                address = base.address().executeDisplaced(frame, cpu, (signedIndex >> X86Sizes.log2(bits)) * size);
                bit = (int) (signedIndex & (bits - 1));
            }
            value = accessMemory(cpu, address, bit);
        }
        long flags = X86FlagState.status(frame);
        X86FlagState.setStatus(frame, X86FlagState.withFlag(flags, X86Rflags.CF, ((value >>> bit) & 1) != 0));
    }

    private long accessMemory(X86Cpu cpu, long address, int bit) {
        if (locked && operation != BT) {
            long host = cpu.mmu().lockedHostAddress(address, size);
            if (host != 0) {
                long old;
                do {
                    old = X86GuestMemory.loadHost(host, size);
                } while (!X86GuestMemory.casHost(host, size, old, modify(old, bit)));
                return old;
            }
            return X86SplitLock.update(cpu, address, size, old -> modify(old, bit));
        }
        long value = operation == BT ? X86GuestMemory.read(cpu, address, size)
                : X86GuestMemory.readForWrite(cpu, address, size);
        if (operation != BT) {
            X86GuestMemory.write(cpu, address, size, modify(value, bit));
        }
        return value;
    }
}

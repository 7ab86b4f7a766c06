package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * Base of the x87 instruction nodes: the instruction's FOP (the low three bits of the escape
 * byte and the ModRM byte, recorded with FIP and FDP by non-control instructions) and its
 * memory operand address, if any. Multi-byte operands wider than eight bytes are checked for
 * access at both ends before anything is written, so a fault leaves memory and the FPU as they
 * were.
 */
abstract class X87Node extends X86InstructionNode {
    protected final int fop;
    @Child protected X86AddressNode address;

    X87Node(long rip, int length, int fop, X86AddressNode address) {
        super(rip, length);
        this.fop = fop;
        this.address = address;
    }

    protected final long effectiveAddress(VirtualFrame frame, X86Cpu cpu) {
        return address == null ? 0 : address.execute(frame, cpu);
    }

    /** Records FOP, FIP and FDP (the operand's offset in its segment, as hardware stores it). */
    protected final void record(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        fpu.setLastInstruction(fop, rip, address == null ? fpu.lastDataPointer() : address.offset(frame));
        int dataSelector = address == null ? fpu.lastDataSelector() : cpu.segment(address.effectiveSegment());
        fpu.setLastSelectors(cpu.segment(X86Segment.CS), dataSelector);
    }

    /**
     * Faults now if any byte of {@code [ea, ea+length)} cannot be written; a fault on the second
     * page reports that page's first byte, as the hardware does.
     */
    protected static void checkWritable(X86Cpu cpu, long ea, int length) {
        X86GuestMemory.readForWrite(cpu, ea, 1);
        if (crossesPage(ea, length)) {
            X86GuestMemory.readForWrite(cpu, (ea | 0xFFF) + 1, 1);
        }
    }

    protected static void checkReadable(X86Cpu cpu, long ea, int length) {
        X86GuestMemory.read(cpu, ea, 1);
        if (crossesPage(ea, length)) {
            X86GuestMemory.read(cpu, (ea | 0xFFF) + 1, 1);
        }
    }

    /**
     * FNSTENV/FNSAVE and FLDENV/FRSTOR check their first and last bytes: a fault on the second
     * page reports the last byte's address, as the AMD host does.
     */
    protected static void checkAreaWritable(X86Cpu cpu, long ea, int length) {
        X86GuestMemory.readForWrite(cpu, ea, 1);
        X86GuestMemory.readForWrite(cpu, ea + length - 1, 1);
    }

    protected static void checkAreaReadable(X86Cpu cpu, long ea, int length) {
        X86GuestMemory.read(cpu, ea, 1);
        X86GuestMemory.read(cpu, ea + length - 1, 1);
    }

    private static boolean crossesPage(long ea, int length) {
        return (ea & 0xFFF) + length > 0x1000;
    }

    protected static long readLong(X86Cpu cpu, long ea) {
        return X86GuestMemory.read(cpu, ea, 8);
    }

    protected static int readShort(X86Cpu cpu, long ea) {
        return (int) X86GuestMemory.read(cpu, ea, 2);
    }
}

package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/** XLAT (D7): AL = [RBX + zero-extended AL] (EBX + AL wrapping at 32 bits with a 67 prefix). */
public final class X86TranslateByteNode extends X86InstructionNode {
    @Child private X86AddressNode table;

    /** {@code table} is RBX-based with the instruction's segment and address size. */
    public X86TranslateByteNode(long rip, int length, X86AddressNode table) {
        super(rip, length);
        this.table = table;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long rax = getRegister(frame, RAX);
        long value = X86GuestMemory.read(cpu, table.executeDisplaced(frame, cpu, rax & 0xFF), 1);
        setRegister(frame, RAX, (rax & ~0xFFL) | value);
    }
}

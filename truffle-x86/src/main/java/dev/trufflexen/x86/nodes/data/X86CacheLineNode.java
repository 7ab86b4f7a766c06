package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * CLFLUSH, CLFLUSHOPT and CLWB: cache-line write-back and flush hints without an architectural
 * effect here (memory is coherent). They check their operand as a one-byte read (#GP, #SS or
 * #PF with a read error code), as the host shows.
 */
public final class X86CacheLineNode extends X86InstructionNode {
    @Child private X86AddressNode address;

    public X86CacheLineNode(long rip, int length, X86AddressNode address) {
        super(rip, length);
        this.address = address;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86GuestMemory.read(cpu, address.execute(frame, cpu), 1);
    }
}

package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** LEA: the offset part of an address (no segment base), truncated by the destination. */
public final class X86LoadEffectiveAddressNode extends X86InstructionNode {
    @Child private X86OperandNode destination;
    @Child private X86AddressNode address;

    public X86LoadEffectiveAddressNode(long rip, int length, X86OperandNode destination, X86AddressNode address) {
        super(rip, length);
        this.destination = destination;
        this.address = address;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        destination.write(frame, cpu, address.offset(frame));
    }
}

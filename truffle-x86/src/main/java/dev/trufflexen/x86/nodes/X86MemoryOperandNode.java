package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;

/** A memory operand: an address computation and an access size. */
public final class X86MemoryOperandNode extends X86OperandNode {
    @Child private X86AddressNode address;

    public X86MemoryOperandNode(X86AddressNode address, int size) {
        super(size);
        this.address = address;
    }

    @Override
    public X86AddressNode address() {
        return address;
    }

    @Override
    public long read(VirtualFrame frame, X86Cpu cpu) {
        return X86GuestMemory.read(cpu, linear(frame, cpu), size);
    }

    @Override
    public long readForWrite(VirtualFrame frame, X86Cpu cpu) {
        return X86GuestMemory.readForWrite(cpu, linear(frame, cpu), size);
    }

    @Override
    public void write(VirtualFrame frame, X86Cpu cpu, long value) {
        X86GuestMemory.write(cpu, linear(frame, cpu), size, value);
    }

    /** The operand's linear address; a stack-segment operand is checked as a whole for #SS. */
    private long linear(VirtualFrame frame, X86Cpu cpu) {
        long linear = address.execute(frame, cpu);
        return address.isStackSegment() ? X86StackSegment.check(linear, size) : linear;
    }
}

package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;

/** A memory operand: an address computation, an access size and the site's translation cache. */
public final class X86MemoryOperandNode extends X86OperandNode {
    @Child private X86AddressNode address;
    private final X86MemorySite site;
    /** Whether this operand ever faulted: until then its miss path compiles without a fault path. */
    private final X86FaultProfile faults = new X86FaultProfile();

    public X86MemoryOperandNode(X86AddressNode address, int size, X86MemorySite site) {
        super(size);
        this.address = address;
        this.site = site;
    }

    @Override
    public X86AddressNode address() {
        return address;
    }

    @Override
    public long read(VirtualFrame frame, X86Cpu cpu) {
        return site.read(frame, cpu, linear(frame, cpu), size, faults);
    }

    @Override
    public long readForWrite(VirtualFrame frame, X86Cpu cpu) {
        return site.readForWrite(frame, cpu, linear(frame, cpu), size, faults);
    }

    @Override
    public void write(VirtualFrame frame, X86Cpu cpu, long value) {
        site.write(frame, cpu, linear(frame, cpu), size, value, faults);
    }

    @Override
    public void writeBack(VirtualFrame frame, X86Cpu cpu, long value) {
        site.writeBack(frame, cpu, linear(frame, cpu), size, value, faults);
    }

    /** The operand's linear address; the site checks a stack-segment operand as a whole for #SS on a miss. */
    private long linear(VirtualFrame frame, X86Cpu cpu) {
        return address.executeUnchecked(frame, cpu);
    }
}

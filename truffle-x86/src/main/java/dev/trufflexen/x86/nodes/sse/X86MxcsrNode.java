package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;

/** LDMXCSR (#GP(0) when a reserved bit is set) and STMXCSR. */
public final class X86MxcsrNode extends X86XmmFrameNode implements X86XmmFrame.User {
    private final boolean load;
    @Child private X86AddressNode address;

    public X86MxcsrNode(long rip, int length, boolean load, X86AddressNode address) {
        super(rip, length);
        this.load = load;
        this.address = address;
    }

    @Override
    public int xmmRegisterMask() {
        return 0; // MXCSR only
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = address.execute(frame, cpu);
        if (load) {
            long value = X86GuestMemory.read(cpu, linear, 4);
            if ((value & ~(long) X86FpuState.MXCSR_WRITABLE) != 0) {
                throw X86SseMemory.generalProtection();
            }
            X86XmmFrame.setMxcsr(frame, cpu, xmmSlot, (int) value);
        } else {
            X86GuestMemory.write(cpu, linear, 4, mxcsr(frame, cpu));
        }
    }
}

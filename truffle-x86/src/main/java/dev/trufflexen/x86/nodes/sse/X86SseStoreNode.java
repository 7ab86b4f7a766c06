package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * Stores (part of) an XMM register to memory: 16 bytes (MOVAPS, MOVUPS, MOVDQA, MOVDQU, MOVNTPS,
 * MOVNTDQ...), the low or high quadword (MOVLPS, MOVHPS, MOVSD, MOVQ) or the low doubleword
 * (MOVSS). Non-temporal hints are plain stores.
 */
public final class X86SseStoreNode extends X86XmmFrameNode implements X86XmmFrame.User {
    public static final int FULL = 0;
    public static final int LOW64 = 1;
    public static final int HIGH64 = 2;
    public static final int LOW32 = 3;

    private final int kind;
    private final int source;
    private final boolean aligned;
    @Child private X86AddressNode address;
    public X86SseStoreNode(long rip, int length, int kind, int source, X86AddressNode address, boolean aligned) {
        super(rip, length);
        this.kind = kind;
        this.source = source;
        this.address = address;
        this.aligned = aligned;
    }

    @Override
    public int xmmRegisterMask() {
        return 1 << source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = address.executeUnchecked(frame, cpu);
        if (aligned) {
            X86SseMemory.checkAligned(cpu, linear);
        }
        address.checkStackSegment(linear, 1); // #SS only after the alignment #GP
        int low = source * 2;
        switch (kind) {
            case FULL -> X86SseMemory.write16(cpu, linear, xmm(frame, cpu, low), xmm(frame, cpu, low + 1));
            case LOW64 -> X86GuestMemory.write(cpu, linear, 8, xmm(frame, cpu, low));
            case HIGH64 -> X86GuestMemory.write(cpu, linear, 8, xmm(frame, cpu, low + 1));
            default -> X86GuestMemory.write(cpu, linear, 4, xmm(frame, cpu, low));
        }
    }
}

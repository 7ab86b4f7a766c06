package dev.trufflexen.x86.nodes.sse;

import static dev.trufflexen.x86.cpu.X86Reg.RDI;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * MASKMOVDQU: stores the bytes of one XMM register whose mask byte (in the other) has its top
 * bit set, at DS:rDI (or a segment override). All 16 bytes are checked for writing first, whatever
 * the mask, as the host processor does.
 */
public final class X86MaskMoveNode extends X86InstructionNode {
    private final int data;
    private final int mask;
    private final int segment;
    private final boolean address32;

    public X86MaskMoveNode(long rip, int length, int data, int mask, int segment, boolean address32) {
        super(rip, length);
        this.data = data;
        this.mask = mask;
        this.segment = segment;
        this.address32 = address32;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long[] x = cpu.fpu().xmmArray();
        long offset = getRegister(frame, RDI);
        if (address32) {
            offset &= 0xFFFF_FFFFL;
        }
        long linear = offset + (segment == X86Segment.FS ? cpu.fsBase() : segment == X86Segment.GS ? cpu.gsBase() : 0);
        long m0 = x[mask * 2];
        long m1 = x[mask * 2 + 1];
        X86SseMemory.probeWrite(cpu, linear, 16);
        for (int i = 0; i < 16; i++) {
            long m = i < 8 ? m0 : m1;
            if (((m >>> (8 * (i & 7) + 7)) & 1) != 0) {
                long v = x[data * 2 + (i >> 3)];
                X86GuestMemory.write(cpu, linear + i, 1, v >>> (8 * (i & 7)));
            }
        }
    }
}

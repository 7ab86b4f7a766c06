package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * An SSE instruction whose source is an XMM register or memory (ModRM.rm). The source is read as
 * two quadwords: register sources straight from the XMM array of {@link dev.trufflexen.x86.cpu.X86FpuState},
 * memory sources with {@link #memorySize} bytes (16, 8, 4 or 2; the high quadword reads as zero
 * for the narrow forms). Aligned forms raise #GP(0) on an address that is not a multiple of 16,
 * before any page is touched; a 16-byte operand crossing a page has both pages checked first, so a
 * fault leaves everything unchanged.
 */
public abstract class X86SseNode extends X86XmmFrameNode {
    /** The source register of the register form; meaningless for memory forms. */
    protected final int source;
    protected final int memorySize;
    protected final boolean aligned;
    @Child protected X86AddressNode address;

    protected X86SseNode(long rip, int length, int source, X86AddressNode address, int memorySize, boolean aligned) {
        super(rip, length);
        this.source = source;
        this.address = address;
        this.memorySize = memorySize;
        this.aligned = aligned;
    }

    /** For {@link X86XmmFrame.User}s: the destination register and a register source. */
    protected final int xmmRegisterMask(int destination) {
        return (1 << destination) | (address == null ? 1 << source : 0);
    }

    /** The low quadword of the source (see {@link #sourceLow(X86Cpu, long[], long)}), registers wherever they are. */
    protected final long sourceLow(VirtualFrame frame, X86Cpu cpu, long linear) {
        if (address == null) {
            return xmm(frame, cpu, source * 2);
        }
        if (memorySize == 16) {
            return X86SseMemory.read16Half(cpu, linear, 0);
        }
        return X86GuestMemory.read(cpu, linear, memorySize >= 8 ? 8 : memorySize);
    }

    protected final long sourceHigh(VirtualFrame frame, X86Cpu cpu, long linear) {
        if (address == null) {
            return xmm(frame, cpu, source * 2 + 1);
        }
        return memorySize == 16 ? X86SseMemory.read16Half(cpu, linear, 8) : 0;
    }

    protected final boolean sourceIsMemory() {
        return address != null;
    }

    /** The checked linear address of the memory source (0 for a register source). */
    protected final long sourceAddress(VirtualFrame frame, X86Cpu cpu) {
        if (address == null) {
            return 0;
        }
        long linear = address.executeUnchecked(frame, cpu);
        if (aligned) {
            X86SseMemory.checkAligned(cpu, linear);
        }
        address.checkStackSegment(linear, memorySize); // #SS only after the alignment #GP
        if (memorySize == 16) {
            X86SseMemory.probeRead16(cpu, linear);
        }
        return linear;
    }

    protected final long sourceLow(X86Cpu cpu, long[] xmm, long linear) {
        if (address == null) {
            return xmm[source * 2];
        }
        return X86GuestMemory.read(cpu, linear, memorySize >= 8 ? 8 : memorySize);
    }

    protected final long sourceHigh(X86Cpu cpu, long[] xmm, long linear) {
        if (address == null) {
            return xmm[source * 2 + 1];
        }
        return memorySize == 16 ? X86GuestMemory.read(cpu, linear + 8, 8) : 0;
    }
}

package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * Base of the SSSE3/SSE4 instruction nodes: the source operand, which is an XMM register, a
 * general register, or memory of 1, 2, 4, 8 or 16 bytes, read as two quadwords (a narrower
 * source is zero-extended into the low one). The address is computed once per execution
 * ({@link #sourceAddress}); then {@link #sourceQword} reads each half, so nothing is allocated.
 *
 * <p>Legacy-encoded SSE instructions require their 16-byte memory operands to be 16-byte aligned
 * (#GP(0) before any access otherwise), except where the instruction says it does not
 * (PCMPxSTRx); narrower operands may be at any address.
 */
public abstract class X86XmmSourceNode extends X86InstructionNode {
    /** The source is XMM register {@link #sourceRegister}. */
    public static final int XMM = 0;
    /** The source is general register {@link #sourceRegister} (all 64 bits). */
    public static final int GENERAL = 1;
    /** The source is memory. */
    public static final int MEMORY = 2;

    protected final int sourceKind;
    protected final int sourceRegister;
    /** Bytes read from memory: 1, 2, 4, 8 or 16. */
    protected final int sourceBytes;
    private final boolean alignedOnly;
    @Child private X86AddressNode address;

    protected X86XmmSourceNode(long rip, int length, int sourceKind, int sourceRegister, X86AddressNode address, int sourceBytes,
            boolean alignedOnly) {
        super(rip, length);
        this.sourceKind = sourceKind;
        this.sourceRegister = sourceRegister;
        this.address = address;
        this.sourceBytes = sourceBytes;
        this.alignedOnly = alignedOnly;
    }

    /** The linear address of a memory source (0 for register sources), after the alignment check. */
    protected final long sourceAddress(VirtualFrame frame, X86Cpu cpu) {
        if (sourceKind != MEMORY) {
            return 0;
        }
        long linear = address.executeUnchecked(frame, cpu);
        if (alignedOnly && (linear & 15) != 0) {
            throw X86ExitException.generalProtection();
        }
        return address.checkStackSegment(linear, 1); // #SS only after the alignment #GP
    }

    /** Quadword {@code half} (0 low, 1 high) of the source. */
    protected final long sourceQword(VirtualFrame frame, X86Cpu cpu, long linear, int half) {
        switch (sourceKind) {
            case XMM:
                return cpu.fpu().xmmArray()[sourceRegister * 2 + half];
            case GENERAL:
                return half == 0 ? getRegister(frame, sourceRegister) : 0;
            default:
                if (sourceBytes == 16) {
                    return X86GuestMemory.read(cpu, linear + 8L * half, 8);
                }
                return half == 0 ? X86GuestMemory.read(cpu, linear, sourceBytes) : 0;
        }
    }
}

package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * PEXTRB/PEXTRW/PEXTRD/PEXTRQ and EXTRACTPS: one element of an XMM register (selected by the
 * immediate) to memory of the element's size or to a general register, zero-extended.
 */
public final class X86ExtractNode extends X86InstructionNode {
    private final int source;
    /** Element width in bits: 8, 16, 32 or 64. */
    private final int bits;
    private final int element;
    @Child private X86OperandNode destination;

    public X86ExtractNode(long rip, int length, int source, int bits, int element, X86OperandNode destination) {
        super(rip, length);
        this.source = source;
        this.bits = bits;
        this.element = element;
        this.destination = destination;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        int perHalf = 64 / bits;
        long half = cpu.fpu().xmmArray()[source * 2 + element / perHalf];
        long value = half >>> ((element % perHalf) * bits);
        if (bits < 64) {
            value &= (1L << bits) - 1;
        }
        destination.write(frame, cpu, value);
    }
}

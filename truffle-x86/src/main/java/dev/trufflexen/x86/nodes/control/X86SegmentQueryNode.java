package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Descriptor;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * LAR, LSL, VERR and VERW: look a selector up in the platform's descriptor tables
 * ({@link dev.trufflexen.x86.cpu.X86Platform#segmentDescriptor}) and set ZF when the descriptor
 * passes the instruction's checks at the current privilege level. LAR and LSL then load the
 * access rights or the limit into the destination (32-bit and 64-bit forms zero-extend); when ZF
 * ends up clear the destination is left alone. A null selector always fails without a lookup.
 */
public final class X86SegmentQueryNode extends X86InstructionNode {
    private final int query;
    private final int operandSize;
    @Child private X86OperandNode selector;
    @Child private X86OperandNode destination;

    /** {@code destination} is null for VERR and VERW. */
    public X86SegmentQueryNode(long rip, int length, int query, int operandSize, X86OperandNode selector,
            X86OperandNode destination) {
        super(rip, length);
        this.query = query;
        this.operandSize = operandSize;
        this.selector = selector;
        this.destination = destination;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        int sel = (int) selector.read(frame, cpu) & 0xFFFF;
        long flags = X86FlagState.status(frame) & ~X86Rflags.ZF;
        if ((sel & 0xFFFC) != 0) {
            long descriptor = lookUp(cpu, sel);
            if (X86Descriptor.queryPasses(query, descriptor, cpu.segment(X86Segment.CS) & 3, sel & 3)) {
                flags |= X86Rflags.ZF;
                if (destination != null) {
                    long value = query == X86Descriptor.LAR ? X86Descriptor.accessRights(descriptor) : X86Descriptor.limit(descriptor);
                    destination.write(frame, cpu, operandSize == 2 ? value & 0xFFFF : value & 0xFFFF_FFFFL);
                }
            }
        }
        X86FlagState.setStatus(frame, flags);
    }

    @TruffleBoundary
    private static long lookUp(X86Cpu cpu, int selector) {
        return cpu.platform().segmentDescriptor(cpu, selector);
    }
}

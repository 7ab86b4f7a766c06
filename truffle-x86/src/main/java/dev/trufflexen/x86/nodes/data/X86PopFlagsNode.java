package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86Likelihood;

/**
 * POPF at CPL 3: IF and IOPL keep their values; the status flags, DF, TF, AC, ID and NT load.
 * Popping TF set ends the region, so that the dispatcher single-steps from the next instruction.
 */
public final class X86PopFlagsNode extends X86InstructionNode {
    private final int size;

    public X86PopFlagsNode(long rip, int length, int size) {
        super(rip, length);
        this.size = size;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long value = X86PushNode.pop(frame, cpu, size);
        long mask = X86Rflags.POPF_USER_MASK & (size == 2 ? 0xFFFF : -1L);
        long flags = (X86FlagState.materialize(frame) & ~mask) | (value & mask);
        X86FlagState.setMaterialized(frame, X86Rflags.normalize(flags));
        if (X86Likelihood.unlikely((value & mask & X86Rflags.TF) != 0)) {
            cpu.trapFlagLoaded();
            throw cpu.exit().resume(nextRip()); // single-stepping starts: the dispatcher takes over
        }
    }
}

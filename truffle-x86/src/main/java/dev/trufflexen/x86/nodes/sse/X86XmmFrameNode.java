package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * An instruction that reads or writes XMM registers or MXCSR wherever its region keeps them (see
 * {@link X86XmmFrame}): in frame slots once the region builder has called
 * {@link #keepXmmInFrame}, else on the heap.
 */
public abstract class X86XmmFrameNode extends X86InstructionNode {
    /** Set once by the region builder: the first of the frame slots, or {@link X86XmmFrame#ON_HEAP}. */
    @CompilationFinal protected int xmmSlot = X86XmmFrame.ON_HEAP;

    protected X86XmmFrameNode(long rip, int length) {
        super(rip, length);
    }

    /** See {@link X86XmmFrame.User#keepXmmInFrame}. */
    public final void keepXmmInFrame(int firstSlot) {
        xmmSlot = firstSlot;
    }

    /** Quadword {@code index} (register * 2 + half) of the XMM registers, wherever they are. */
    protected final long xmm(VirtualFrame frame, X86Cpu cpu, int index) {
        return X86XmmFrame.get(frame, cpu, xmmSlot, index);
    }

    protected final void setXmm(VirtualFrame frame, X86Cpu cpu, int index, long value) {
        X86XmmFrame.set(frame, cpu, xmmSlot, index, value);
    }

    /** MXCSR, wherever it is. */
    protected final int mxcsr(VirtualFrame frame, X86Cpu cpu) {
        return X86XmmFrame.mxcsr(frame, cpu, xmmSlot);
    }

    /** See {@link X86XmmFrame#reloadMxcsr}. */
    protected final void reloadMxcsr(VirtualFrame frame, X86Cpu cpu) {
        X86XmmFrame.reloadMxcsr(frame, cpu, xmmSlot);
    }
}

package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * A debugger's stop before the instruction at its RIP (see
 * {@link dev.trufflexen.x86.cpu.X86DebugStops}): it takes no bytes and leaves the region with
 * RIP at that instruction, and {@link X86Cpu#run} returns an {@link X86DebugStop}, unless the
 * debugger resumes from this very stop, when the instruction after it runs. Only pages with a
 * stop hold one of these.
 */
public final class X86DebugStopNode extends X86InstructionNode {
    public X86DebugStopNode(long rip) {
        super(rip, 0);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        if (!cpu.consumeDebugSkip(rip())) {
            cpu.requestExit(X86DebugStop.breakpoint(rip()));
            throw cpu.exit().resume(rip());
        }
    }
}

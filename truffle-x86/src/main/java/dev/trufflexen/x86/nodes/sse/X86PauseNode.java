package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/** PAUSE (F3 90): a spin-wait hint; the host thread is told it is spinning. */
public final class X86PauseNode extends X86InstructionNode {
    public X86PauseNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        Thread.onSpinWait();
    }
}

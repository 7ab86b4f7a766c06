package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * Instructions without an architectural effect here: NOP (all lengths), PAUSE, ENDBR64, hint
 * NOPs, prefetches and fences, and direct jumps (whose effect is the region's control flow).
 */
public final class X86NopNode extends X86InstructionNode {
    public X86NopNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
    }
}

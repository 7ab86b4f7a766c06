package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.data.X86PushNode;

/** The stack half of a direct CALL: pushes the return address; the region then continues at the target. */
public final class X86CallPushNode extends X86InstructionNode {
    public X86CallPushNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86PushNode.push(frame, cpu, nextRip(), 8);
    }
}

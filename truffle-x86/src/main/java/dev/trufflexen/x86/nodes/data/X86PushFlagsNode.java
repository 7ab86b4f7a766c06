package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/** PUSHF (RF and VM read as zero in the pushed image). */
public final class X86PushFlagsNode extends X86InstructionNode {
    private final int size;

    public X86PushFlagsNode(long rip, int length, int size) {
        super(rip, length);
        this.size = size;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long flags = X86FlagState.materialize(frame) & ~(X86Rflags.RF | X86Rflags.VM);
        X86PushNode.push(frame, cpu, flags, size);
    }
}

package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/** HLT: handed to the platform with RIP after the instruction. */
public final class X86HaltNode extends X86InstructionNode {
    public X86HaltNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        throw X86ExitException.halt(nextRip());
    }
}

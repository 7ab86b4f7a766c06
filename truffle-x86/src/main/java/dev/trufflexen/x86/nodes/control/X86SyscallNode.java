package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.R11;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/** SYSCALL: RCX = return RIP, R11 = RFLAGS, then the platform takes over. */
public final class X86SyscallNode extends X86InstructionNode {
    public X86SyscallNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        setRegister(frame, RCX, nextRip());
        setRegister(frame, R11, X86FlagState.materialize(frame) & ~X86Rflags.RF);
        throw X86ExitException.syscall(nextRip());
    }
}

package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86PageTable;
import dev.trufflexen.x86.nodes.X86FrameLayout;
import dev.trufflexen.x86.nodes.X86Likelihood;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.runtime.X86ExitException;

/** RET and RET imm16: pop the return address, release {@code imm16} more bytes, exit to it. */
public final class X86ReturnNode extends X86InstructionNode {
    private final int releaseBytes;

    public X86ReturnNode(long rip, int length, int releaseBytes) {
        super(rip, length);
        this.releaseBytes = releaseBytes;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long rsp = getRegister(frame, RSP);
        long destination = X86MemorySite.STACK.read(frame, cpu, rsp, 8);
        if (X86Likelihood.unlikely(!X86PageTable.isCanonical(destination))) {
            throw X86ExitException.generalProtection();
        }
        setRegister(frame, RSP, rsp + 8 + releaseBytes);
        frame.setLongStatic(X86FrameLayout.NEXT_RIP, destination);
    }
}

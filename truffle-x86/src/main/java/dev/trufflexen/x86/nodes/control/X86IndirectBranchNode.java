package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86PageTable;
import dev.trufflexen.x86.nodes.X86FrameLayout;
import dev.trufflexen.x86.nodes.X86Likelihood;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86StackSegment;
import dev.trufflexen.x86.nodes.data.X86PushNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * JMP r/m64 and CALL r/m64: the region exits to the dispatcher with the target as next RIP. A
 * non-canonical target raises #GP(0) at the branch (Intel behaviour), before anything changes.
 */
public final class X86IndirectBranchNode extends X86InstructionNode {
    private final boolean call;
    @Child private X86OperandNode target;

    public X86IndirectBranchNode(long rip, int length, X86OperandNode target, boolean call) {
        super(rip, length);
        this.call = call;
        this.target = target;
    }

    /** CALL r/m64 (otherwise JMP r/m64). */
    public boolean isCall() {
        return call;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long destination = target.read(frame, cpu);
        if (call) {
            if (X86Likelihood.unlikely(!X86PageTable.isCanonical(destination))) {
                throw callToNonCanonical(cpu, getRegister(frame, X86Reg.RSP));
            }
            // A canonical target needs no probe of the push: the push faults before it changes
            // anything, so the common call makes one stack access.
            X86PushNode.push(frame, cpu, nextRip(), 8);
        } else if (X86Likelihood.unlikely(!X86PageTable.isCanonical(destination))) {
            throw X86ExitException.generalProtection();
        }
        frame.setLongStatic(X86FrameLayout.NEXT_RIP, destination);
    }

    /**
     * A CALL to a non-canonical target: a faulting push wins over the target's #GP(0), so the
     * push is probed (nothing is written) and its fault thrown, or else the #GP(0) returned.
     * Out of line, so the call's compiled code carries no second stack access.
     */
    @TruffleBoundary(transferToInterpreterOnException = false)
    private static X86ExitException callToNonCanonical(X86Cpu cpu, long rsp) {
        long slot = X86StackSegment.check(rsp - 8, 8);
        X86GuestMemory.readForWrite(cpu, slot, 8);
        return X86ExitException.generalProtection();
    }
}

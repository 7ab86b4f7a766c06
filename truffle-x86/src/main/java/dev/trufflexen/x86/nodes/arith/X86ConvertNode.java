package dev.trufflexen.x86.nodes.arith;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * CBW/CWDE/CDQE (sign-extend the lower half of rAX into rAX) and CWD/CDQ/CQO (fill rDX with the
 * sign of rAX), by operand size.
 */
public final class X86ConvertNode extends X86InstructionNode {
    private final boolean intoDx;
    private final int size;

    public X86ConvertNode(long rip, int length, boolean intoDx, int size) {
        super(rip, length);
        this.intoDx = intoDx;
        this.size = size;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long rax = getRegister(frame, RAX);
        if (intoDx) {
            long fill = X86Sizes.signExtend(rax, size) < 0 ? -1L : 0L;
            long rdx = getRegister(frame, RDX);
            setRegister(frame, RDX, switch (size) {
                case 2 -> (rdx & ~0xFFFFL) | (fill & 0xFFFF);
                case 4 -> fill & 0xFFFF_FFFFL;
                default -> fill;
            });
        } else {
            setRegister(frame, RAX, switch (size) {
                case 2 -> (rax & ~0xFFFFL) | (X86Sizes.signExtend(rax, 1) & 0xFFFF);
                case 4 -> X86Sizes.signExtend(rax, 2) & 0xFFFF_FFFFL;
                default -> X86Sizes.signExtend(rax, 4);
            });
        }
    }
}

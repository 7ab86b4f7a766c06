package dev.trufflexen.x86.nodes.data;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/** CLC, STC, CMC, CLD, STD, LAHF, SAHF. */
public final class X86FlagControlNode extends X86InstructionNode {
    public static final int CLC = 0;
    public static final int STC = 1;
    public static final int CMC = 2;
    public static final int CLD = 3;
    public static final int STD = 4;
    public static final int LAHF = 5;
    public static final int SAHF = 6;

    private static final long AH_FLAGS = X86Rflags.SF | X86Rflags.ZF | X86Rflags.AF | X86Rflags.PF | X86Rflags.CF;

    private final int operation;

    public X86FlagControlNode(long rip, int length, int operation) {
        super(rip, length);
        this.operation = operation;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long flags = X86FlagState.materialize(frame);
        switch (operation) {
            case CLC -> flags &= ~X86Rflags.CF;
            case STC -> flags |= X86Rflags.CF;
            case CMC -> flags ^= X86Rflags.CF;
            case CLD -> flags &= ~X86Rflags.DF;
            case STD -> flags |= X86Rflags.DF;
            case LAHF -> {
                long ah = (flags & AH_FLAGS) | X86Rflags.RESERVED_ONE;
                setRegister(frame, RAX, (getRegister(frame, RAX) & ~0xFF00L) | (ah << 8));
            }
            default -> flags = (flags & ~AH_FLAGS) | ((getRegister(frame, RAX) >>> 8) & AH_FLAGS);
        }
        X86FlagState.setMaterialized(frame, flags);
    }
}

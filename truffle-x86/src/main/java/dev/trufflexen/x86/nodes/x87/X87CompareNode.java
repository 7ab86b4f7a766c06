package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86FlagState;

/** FCOM, FCOMP, FCOMPP, FICOM(P), FUCOM(P)(P), FTST (against +0.0) and FCOMI/FUCOMI(P) (into ZF, PF, CF). */
public final class X87CompareNode extends X87Node {
    /** The source kind for FTST: the constant +0.0. */
    public static final int ZERO = -1;

    private final int kind;
    private final int size;
    private final int index;
    private final boolean quiet;
    private final int pops;
    private final boolean toFlags;

    public X87CompareNode(long rip, int length, int fop, X86AddressNode address, int kind, int index, boolean quiet, int pops, boolean toFlags) {
        super(rip, length, fop, address);
        this.kind = kind;
        this.size = X87ArithmeticNode.sizeOf(kind);
        this.index = index;
        this.quiet = quiet;
        this.pops = pops;
        this.toFlags = toFlags;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X87Stack.checkPending(cpu.fpu());
        long raw = 0;
        long ea = 0;
        if (address != null) {
            ea = address.execute(frame, cpu);
            raw = X86GuestMemory.read(cpu, ea, size);
        }
        record(frame, cpu);
        int result = X87Operations.compare(cpu.fpu(), kind == ZERO ? X87Operations.I16 : kind, raw, index, quiet, pops, toFlags);
        if (toFlags && result != X87Operations.NO_RESULT) {
            long flags = X86FlagState.materialize(frame) & ~(X86Rflags.ZF | X86Rflags.PF | X86Rflags.CF | X86Rflags.OF | X86Rflags.SF | X86Rflags.AF);
            flags |= switch (result) {
                case X87Operations.LESS -> X86Rflags.CF;
                case X87Operations.EQUAL -> X86Rflags.ZF;
                case X87Operations.UNORDERED -> X86Rflags.ZF | X86Rflags.PF | X86Rflags.CF;
                default -> 0L;
            };
            X86FlagState.setMaterialized(frame, flags);
        } else if (toFlags) {
            // An unmasked exception: EFLAGS unchanged.
            return;
        }
    }
}

package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;

/** FADD, FMUL, FSUB, FSUBR, FDIV, FDIVR in all forms: ST(0) with ST(i) or memory, ST(i) with ST(0), the P forms and the integer forms. */
public final class X87ArithmeticNode extends X87Node {
    private final int operation;
    private final int kind;
    private final int size;
    private final int index;
    private final boolean toSti;
    private final boolean reverse;
    private final boolean pop;

    public X87ArithmeticNode(long rip, int length, int fop, X86AddressNode address, int operation, int kind, int index, boolean toSti,
            boolean pop) {
        super(rip, length, fop, address);
        this.operation = operation;
        this.kind = kind;
        this.size = sizeOf(kind);
        this.index = index;
        this.toSti = toSti;
        boolean reversed = operation == X87Operations.SUBR || operation == X87Operations.DIVR;
        this.reverse = reversed != toSti;
        this.pop = pop;
    }

    static int sizeOf(int kind) {
        return switch (kind) {
            case X87Operations.M32, X87Operations.I32, X87Operations.I32_TRUNCATE -> 4;
            case X87Operations.I16, X87Operations.I16_TRUNCATE -> 2;
            case X87Operations.M80, X87Operations.BCD -> 10;
            default -> 8;
        };
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
        X87Operations.arithmetic(cpu.fpu(), operation, kind, raw, index, toSti, reverse, pop);
    }
}

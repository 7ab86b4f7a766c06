package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;

/** FLD m32/m64/m80/ST(i), FILD m16/m32/m64, FBLD m80. */
public final class X87LoadNode extends X87Node {
    private final int kind;
    private final int index;

    public X87LoadNode(long rip, int length, int fop, X86AddressNode address, int kind, int index) {
        super(rip, length, fop, address);
        this.kind = kind;
        this.index = index;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X87Stack.checkPending(cpu.fpu());
        long raw = 0;
        int high = 0;
        long ea = 0;
        if (address != null) {
            ea = address.execute(frame, cpu);
            switch (kind) {
                case X87Operations.M32, X87Operations.I32 -> raw = X86GuestMemory.read(cpu, ea, 4);
                case X87Operations.I16 -> raw = X86GuestMemory.read(cpu, ea, 2);
                case X87Operations.M80, X87Operations.BCD -> {
                    raw = X86GuestMemory.read(cpu, ea, 8);
                    high = (int) X86GuestMemory.read(cpu, ea + 8, 2);
                }
                default -> raw = X86GuestMemory.read(cpu, ea, 8);
            }
        }
        record(frame, cpu);
        X86FpuState fpu = cpu.fpu();
        if (kind == X87Operations.ST ? X87Inline.loadRegister(fpu, index) : kind == X87Operations.M64 && X87Inline.loadDouble(fpu, raw)) {
            return;
        }
        X87Operations.load(fpu, kind, raw, high, index);
    }
}

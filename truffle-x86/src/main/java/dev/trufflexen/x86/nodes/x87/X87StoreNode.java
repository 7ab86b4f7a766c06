package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86Likelihood;

/** FST/FSTP m32/m64/m80, FIST/FISTP m16/m32/m64, FISTTP, FBSTP; and FST/FSTP ST(i) (no address). */
public final class X87StoreNode extends X87Node {
    private final int kind;
    private final int index;
    private final boolean pop;
    private final boolean quietAlias;

    public X87StoreNode(long rip, int length, int fop, X86AddressNode address, int kind, int index, boolean pop) {
        this(rip, length, fop, address, kind, index, pop, false);
    }

    /** {@code quietAlias}: FSTP1 (D9 D8+i), see {@link X87Operations#storeRegister}. */
    public X87StoreNode(long rip, int length, int fop, X86AddressNode address, int kind, int index, boolean pop, boolean quietAlias) {
        super(rip, length, fop, address);
        this.quietAlias = quietAlias;
        this.kind = kind;
        this.index = index;
        this.pop = pop;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        X87Stack.checkPending(fpu);
        if (address == null) {
            record(frame, cpu);
            if (quietAlias || !X87Inline.storeRegister(fpu, index, pop)) {
                X87Operations.storeRegister(fpu, index, pop, quietAlias);
            }
            return;
        }
        long ea = address.execute(frame, cpu);
        if (kind == X87Operations.M64) {
            long exact = X87Inline.exactDouble(fpu);
            if (X86Likelihood.likely(exact != X87Inline.NOT_EXACT)) {
                X86GuestMemory.write(cpu, ea, 8, exact);
                record(frame, cpu);
                X87Inline.commitStore(fpu, pop);
                return;
            }
        }
        long value = X87Operations.storeValue(fpu, kind);
        if (fpu.x87Arithmetic().storeAllowed) {
            switch (kind) {
                case X87Operations.M32, X87Operations.I32, X87Operations.I32_TRUNCATE -> X86GuestMemory.write(cpu, ea, 4, value);
                case X87Operations.I16, X87Operations.I16_TRUNCATE -> X86GuestMemory.write(cpu, ea, 2, value);
                case X87Operations.M80, X87Operations.BCD -> {
                    int high = fpu.x87Arithmetic().se;
                    checkWritable(cpu, ea, 10);
                    X86GuestMemory.write(cpu, ea, 8, value);
                    X86GuestMemory.write(cpu, ea + 8, 2, high);
                }
                default -> X86GuestMemory.write(cpu, ea, 8, value);
            }
        } else {
            // Nothing is stored, but the access is still checked as on hardware.
            checkWritable(cpu, ea, X87ArithmeticNode.sizeOf(kind));
        }
        record(frame, cpu);
        X87Operations.commitStore(fpu, pop);
    }
}

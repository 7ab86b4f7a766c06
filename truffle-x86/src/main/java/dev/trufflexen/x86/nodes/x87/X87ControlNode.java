package dev.trufflexen.x86.nodes.x87;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * The x87 control instructions: FNINIT, FNCLEX, FWAIT, FLDCW, FNSTCW, FNSTSW (memory and AX),
 * FLDENV, FNSTENV, FRSTOR, FNSAVE, and the legacy FNENI/FNDISI/FNSETPM (no-ops). The "FN"
 * forms do not wait (no #MF); the others do. They do not change FOP, FIP or FDP.
 */
public final class X87ControlNode extends X87Node {
    public static final int FNINIT = 0;
    public static final int FNCLEX = 1;
    public static final int FWAIT = 2;
    public static final int FLDCW = 3;
    public static final int FNSTCW = 4;
    public static final int FNSTSW = 5;
    public static final int FNSTSW_AX = 6;
    public static final int FLDENV = 7;
    public static final int FNSTENV = 8;
    public static final int FRSTOR = 9;
    public static final int FNSAVE = 10;
    public static final int LEGACY_NOP = 11;

    private final int operation;
    /** For the environment forms: 16-bit (66 prefix) or 32-bit layout. */
    private final boolean layout16;

    public X87ControlNode(long rip, int length, int fop, X86AddressNode address, int operation, boolean layout16) {
        super(rip, length, fop, address);
        this.operation = operation;
        this.layout16 = layout16;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        switch (operation) {
            case FNINIT -> fpu.initializeX87();
            case FNCLEX -> fpu.setStatusWord(fpu.statusWord() & 0x7F00);
            case FWAIT -> X87Stack.checkPending(fpu);
            case FLDCW -> {
                X87Stack.checkPending(fpu);
                int value = (int) X86GuestMemory.read(cpu, effectiveAddress(frame, cpu), 2);
                fpu.setControlWord(value);
                X87Stack.updateSummary(fpu);
            }
            case FNSTCW -> X86GuestMemory.write(cpu, effectiveAddress(frame, cpu), 2, fpu.controlWord());
            case FNSTSW -> X86GuestMemory.write(cpu, effectiveAddress(frame, cpu), 2, fpu.statusWord());
            case FNSTSW_AX -> setRegister(frame, RAX, (getRegister(frame, RAX) & ~0xFFFFL) | fpu.statusWord());
            case FLDENV, FRSTOR -> {
                X87Stack.checkPending(fpu);
                X87Environment.load(cpu, fpu, effectiveAddress(frame, cpu), layout16, operation == FRSTOR);
            }
            case FNSTENV, FNSAVE -> X87Environment.store(cpu, fpu, effectiveAddress(frame, cpu), layout16, operation == FNSAVE);
            default -> {
            }
        }
    }
}

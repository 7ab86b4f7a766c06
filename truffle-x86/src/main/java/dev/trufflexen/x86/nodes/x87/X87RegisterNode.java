package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86FlagState;

/** The register-only x87 instructions, one operation per node (a constant). */
public final class X87RegisterNode extends X87Node {
    public static final int FXCH = 0;
    public static final int FCHS = 1;
    public static final int FABS = 2;
    public static final int FSQRT = 3;
    public static final int FRNDINT = 4;
    public static final int FXAM = 5;
    public static final int FDECSTP = 6;
    public static final int FINCSTP = 7;
    public static final int FFREE = 8;
    public static final int FFREEP = 9;
    public static final int FSCALE = 10;
    public static final int FXTRACT = 11;
    public static final int FPREM = 12;
    public static final int FPREM1 = 13;
    public static final int FNOP = 14;
    public static final int FCMOV = 15;
    public static final int F2XM1 = 16;
    public static final int FYL2X = 17;
    public static final int FYL2XP1 = 18;
    public static final int FPTAN = 19;
    public static final int FPATAN = 20;
    public static final int FSIN = 21;
    public static final int FCOS = 22;
    public static final int FSINCOS = 23;

    private final int operation;
    private final int index;
    /** For FCMOVcc: the condition code (as Jcc's low nibble). */
    private final int condition;

    public X87RegisterNode(long rip, int length, int fop, int operation, int index, int condition) {
        super(rip, length, fop, null);
        this.operation = operation;
        this.index = index;
        this.condition = condition;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        X87Stack.checkPending(fpu);
        record(frame, cpu);
        switch (operation) {
            case FXCH -> {
                if (!X87Inline.exchange(fpu, index)) {
                    X87RegisterOperations.exchange(fpu, index);
                }
            }
            case FCHS -> X87RegisterOperations.unary(fpu, X87RegisterOperations.FCHS);
            case FABS -> X87RegisterOperations.unary(fpu, X87RegisterOperations.FABS);
            case FSQRT -> X87RegisterOperations.unary(fpu, X87RegisterOperations.FSQRT);
            case FRNDINT -> X87RegisterOperations.unary(fpu, X87RegisterOperations.FRNDINT);
            case FXAM -> X87RegisterOperations.examine(fpu);
            case FDECSTP -> X87RegisterOperations.changeTop(fpu, -1);
            case FINCSTP -> X87RegisterOperations.changeTop(fpu, 1);
            case FFREE -> X87RegisterOperations.free(fpu, index, false);
            case FFREEP -> X87RegisterOperations.free(fpu, index, true);
            case FSCALE -> X87RegisterOperations.scale(fpu);
            case FXTRACT -> X87RegisterOperations.extract(fpu);
            case FPREM -> X87RegisterOperations.remainder(fpu, false);
            case FPREM1 -> X87RegisterOperations.remainder(fpu, true);
            case FNOP -> {
            }
            case FCMOV -> X87RegisterOperations.conditionalMove(fpu, index, X86FlagState.condition(frame, condition));
            default -> X87Transcendental.execute(fpu, operation);
        }
    }
}

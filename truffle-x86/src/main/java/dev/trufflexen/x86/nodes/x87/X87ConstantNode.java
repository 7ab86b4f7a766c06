package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ. The irrational constants are held to 64
 * bits rounded toward zero plus the direction their next bits round under round-to-nearest;
 * the rounding-control mode picks the result as on hardware (precision control does not apply).
 */
public final class X87ConstantNode extends X87Node {
    private final long sig;
    private final int se;
    private final boolean nearestRoundsUp;
    private final boolean upRoundsUp;

    public X87ConstantNode(long rip, int length, int fop, int which) {
        super(rip, length, fop, null);
        long s = 0;
        int e = 0;
        boolean nearest = false;
        boolean up = false;
        switch (which) {
            case 0 -> { // FLD1
                s = 0x8000_0000_0000_0000L;
                e = 0x3FFF;
            }
            case 1 -> { // FLDL2T
                s = 0xD49A_784B_CD1B_8AFEL;
                e = 0x4000;
                up = true;
            }
            case 2 -> { // FLDL2E
                s = 0xB8AA_3B29_5C17_F0BBL;
                e = 0x3FFF;
                nearest = true;
                up = true;
            }
            case 3 -> { // FLDPI
                s = 0xC90F_DAA2_2168_C234L;
                e = 0x4000;
                nearest = true;
                up = true;
            }
            case 4 -> { // FLDLG2
                s = 0x9A20_9A84_FBCF_F798L;
                e = 0x3FFD;
                nearest = true;
                up = true;
            }
            case 5 -> { // FLDLN2
                s = 0xB172_17F7_D1CF_79ABL;
                e = 0x3FFE;
                nearest = true;
                up = true;
            }
            default -> { // FLDZ
            }
        }
        this.sig = s;
        this.se = e;
        this.nearestRoundsUp = nearest;
        this.upRoundsUp = up;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X87Stack.checkPending(cpu.fpu());
        record(frame, cpu);
        X87Operations.loadConstant(cpu.fpu(), sig, se, nearestRoundsUp, upRoundsUp);
    }
}

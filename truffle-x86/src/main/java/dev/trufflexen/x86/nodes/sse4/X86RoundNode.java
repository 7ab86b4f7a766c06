package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * ROUNDPS, ROUNDPD, ROUNDSS, ROUNDSD (66 0F 3A 08-0B): each element rounded to an integral
 * value in the same format. Imm8 bits 0-1 give the rounding mode unless bit 2 selects
 * MXCSR.RC; bit 3 suppresses the precision exception. An SNaN raises invalid and is returned
 * quieted, a QNaN is returned as is; denormals read as zero under DAZ and raise no denormal
 * exception. With an unmasked exception (invalid takes precedence over precision) the flags are
 * set, the destination is unchanged and #XM is raised. The scalar forms keep the destination's
 * other elements.
 *
 * <p>Integral rounding of a finite value is exact in Java ({@link Math#rint}, floor, ceil), so
 * only NaNs need raw-bit care.
 */
public final class X86RoundNode extends X86XmmSourceNode {
    public static final int PACKED_SINGLE = 0;
    public static final int PACKED_DOUBLE = 1;
    public static final int SCALAR_SINGLE = 2;
    public static final int SCALAR_DOUBLE = 3;

    private final int form;
    private final int destination;
    private final int control;

    public X86RoundNode(long rip, int length, int form, int destination, int sourceKind, int sourceRegister, X86AddressNode address,
            int control) {
        super(rip, length, sourceKind, sourceRegister, address, form == SCALAR_SINGLE ? 4 : form == SCALAR_DOUBLE ? 8 : 16,
                form <= PACKED_DOUBLE);
        this.form = form;
        this.destination = destination;
        this.control = control;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceQword(frame, cpu, linear, 0);
        long s1 = form <= PACKED_DOUBLE ? sourceQword(frame, cpu, linear, 1) : 0;
        X86FpuState fpu = cpu.fpu();
        int mxcsr = fpu.mxcsr();
        int mode = (control & 4) != 0 ? (mxcsr >> 13) & 3 : control & 3;
        boolean daz = (mxcsr & X86SoftFloat.MXCSR_DAZ) != 0;
        long[] xmm = fpu.xmmArray();
        long r0;
        long r1;
        int flags;
        switch (form) {
            case PACKED_SINGLE -> {
                r0 = single(s0, mode, daz) | single(s0 >>> 32, mode, daz) << 32;
                r1 = single(s1, mode, daz) | single(s1 >>> 32, mode, daz) << 32;
                flags = singleFlags(s0, mode, daz) | singleFlags(s0 >>> 32, mode, daz) | singleFlags(s1, mode, daz)
                        | singleFlags(s1 >>> 32, mode, daz);
            }
            case PACKED_DOUBLE -> {
                r0 = dbl(s0, mode, daz);
                r1 = dbl(s1, mode, daz);
                flags = doubleFlags(s0, mode, daz) | doubleFlags(s1, mode, daz);
            }
            case SCALAR_SINGLE -> {
                r0 = (xmm[destination * 2] & 0xFFFF_FFFF_0000_0000L) | single(s0, mode, daz);
                r1 = xmm[destination * 2 + 1];
                flags = singleFlags(s0, mode, daz);
            }
            default -> {
                r0 = dbl(s0, mode, daz);
                r1 = xmm[destination * 2 + 1];
                flags = doubleFlags(s0, mode, daz);
            }
        }
        if ((control & 8) != 0) {
            flags &= ~X86SoftFloat.PRECISION;
        }
        if (flags != 0) {
            if ((flags & X86SoftFloat.INVALID) != 0 && (mxcsr & 0x80) == 0) {
                // An unmasked pre-computation exception: precision is not evaluated.
                fpu.setMxcsr(mxcsr | X86SoftFloat.INVALID);
                throw X86ExitException.fault(X86Fault.XM);
            }
            fpu.setMxcsr(mxcsr | flags);
            if ((flags & ~(mxcsr >> 7) & 0x3F) != 0) {
                throw X86ExitException.fault(X86Fault.XM);
            }
        }
        xmm[destination * 2] = r0;
        xmm[destination * 2 + 1] = r1;
    }

    private static double integral(double v, int mode) {
        return switch (mode) {
            case X86SoftFloat.NEAREST -> Math.rint(v);
            case X86SoftFloat.DOWN -> Math.floor(v);
            case X86SoftFloat.UP -> Math.ceil(v);
            default -> v < 0 ? Math.ceil(v) : Math.floor(v);
        };
    }

    private static long single(long raw, int mode, boolean daz) {
        int bits = (int) raw;
        int exponent = (bits >>> 23) & 0xFF;
        if (exponent == 0xFF) {
            return (bits & 0x7F_FFFF) != 0 ? (bits | 0x40_0000) & 0xFFFF_FFFFL : bits & 0xFFFF_FFFFL;
        }
        if (exponent == 0 && daz) {
            return bits & 0x8000_0000L;
        }
        float value = Float.intBitsToFloat(bits);
        return Float.floatToRawIntBits((float) integral(value, mode)) & 0xFFFF_FFFFL;
    }

    private static int singleFlags(long raw, int mode, boolean daz) {
        int bits = (int) raw;
        int exponent = (bits >>> 23) & 0xFF;
        if (exponent == 0xFF) {
            return (bits & 0x7F_FFFF) != 0 && (bits & 0x40_0000) == 0 ? X86SoftFloat.INVALID : 0;
        }
        if (exponent == 0 && daz) {
            return 0;
        }
        float value = Float.intBitsToFloat(bits);
        return (float) integral(value, mode) != value ? X86SoftFloat.PRECISION : 0;
    }

    private static long dbl(long bits, int mode, boolean daz) {
        int exponent = (int) (bits >>> 52) & 0x7FF;
        if (exponent == 0x7FF) {
            return (bits & 0xF_FFFF_FFFF_FFFFL) != 0 ? bits | 0x8_0000_0000_0000L : bits;
        }
        if (exponent == 0 && daz) {
            return bits & 0x8000_0000_0000_0000L;
        }
        return Double.doubleToRawLongBits(integral(Double.longBitsToDouble(bits), mode));
    }

    private static int doubleFlags(long bits, int mode, boolean daz) {
        int exponent = (int) (bits >>> 52) & 0x7FF;
        if (exponent == 0x7FF) {
            return (bits & 0xF_FFFF_FFFF_FFFFL) != 0 && (bits & 0x8_0000_0000_0000L) == 0 ? X86SoftFloat.INVALID : 0;
        }
        if (exponent == 0 && daz) {
            return 0;
        }
        double value = Double.longBitsToDouble(bits);
        return integral(value, mode) != value ? X86SoftFloat.PRECISION : 0;
    }
}

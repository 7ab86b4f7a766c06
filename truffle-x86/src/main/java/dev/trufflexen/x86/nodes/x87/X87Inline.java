package dev.trufflexen.x86.nodes.x87;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86Likelihood;

/**
 * The x87 moves that cannot raise an exception, done inline over the soft-float registers of
 * {@link X86FpuState} rather than behind the boundary of {@link X87Operations} and
 * {@link X87RegisterOperations}: FXCH with both registers full, FLD ST(i) and FLD m64 of a
 * normal or zero double with the stack not full, FST/FSTP ST(i) with ST(0) full, and FST/FSTP
 * m64 of a value that a double holds exactly (a normal in a double's exponent range whose low 11
 * significand bits are zero, or a zero). Each returns false, having changed nothing, when its
 * operands are anything else; the caller then takes the exact path. A completed move clears C1
 * and leaves the exception flags as they were, as the exact path does when nothing is raised.
 */
final class X87Inline {
    /** A double's exponent bias, and the extended format's. */
    private static final int DOUBLE_BIAS = 1023;
    private static final int EXTENDED_BIAS = 16383;
    /** The significand bits an extended value has beyond a double's 53. */
    private static final int EXTRA_BITS = 11;

    private X87Inline() {
    }

    static boolean exchange(X86FpuState fpu, int index) {
        if (!X86Likelihood.likely(!X87Stack.isEmpty(fpu, 0) && !X87Stack.isEmpty(fpu, index))) {
            return false;
        }
        long s0 = X87Stack.sig(fpu, 0);
        int e0 = X87Stack.se(fpu, 0);
        X87Stack.write(fpu, 0, X87Stack.sig(fpu, index), X87Stack.se(fpu, index));
        X87Stack.write(fpu, index, s0, e0);
        finish(fpu);
        return true;
    }

    /** FLD ST(i). */
    static boolean loadRegister(X86FpuState fpu, int index) {
        if (!X86Likelihood.likely(!X87Stack.isEmpty(fpu, index) && X87Stack.isEmpty(fpu, 7))) {
            return false;
        }
        X87Stack.push(fpu, X87Stack.sig(fpu, index), X87Stack.se(fpu, index));
        finish(fpu);
        return true;
    }

    /** FLD m64: a normal or zero double is exact in the extended format. */
    static boolean loadDouble(X86FpuState fpu, long bits) {
        int exponent = (int) (bits >>> 52) & 0x7FF;
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        boolean zero = exponent == 0 && fraction == 0;
        if (!X86Likelihood.likely((zero || exponent != 0 && exponent != 0x7FF) && X87Stack.isEmpty(fpu, 7))) {
            return false;
        }
        int sign = (int) (bits >>> 63) << 15;
        if (zero) {
            X87Stack.push(fpu, 0, sign);
        } else {
            X87Stack.push(fpu, Long.MIN_VALUE | fraction << EXTRA_BITS, sign | (exponent - DOUBLE_BIAS + EXTENDED_BIAS));
        }
        finish(fpu);
        return true;
    }

    /** FST/FSTP ST(i). */
    static boolean storeRegister(X86FpuState fpu, int index, boolean pop) {
        if (!X86Likelihood.likely(!X87Stack.isEmpty(fpu, 0))) {
            return false;
        }
        X87Stack.write(fpu, index, X87Stack.sig(fpu, 0), X87Stack.se(fpu, 0));
        if (pop) {
            X87Stack.pop(fpu);
        }
        finish(fpu);
        return true;
    }

    /** A value that ended in {@link #NOT_EXACT}: FST m64 must take the exact path. */
    static final long NOT_EXACT = 0x7FF8_0000_0000_0001L;

    /** ST(0) as a double when the conversion is exact (no rounding, no flag), else {@link #NOT_EXACT}. */
    static long exactDouble(X86FpuState fpu) {
        if (X87Stack.isEmpty(fpu, 0)) {
            return NOT_EXACT;
        }
        long sig = X87Stack.sig(fpu, 0);
        int se = X87Stack.se(fpu, 0);
        long sign = (long) (se >>> 15) << 63;
        int exponent = (se & 0x7FFF) - EXTENDED_BIAS + DOUBLE_BIAS;
        if (sig == 0 && (se & 0x7FFF) == 0) {
            return sign;
        }
        if (X86Likelihood.likely(sig < 0 && (sig & (1L << EXTRA_BITS) - 1) == 0 && exponent > 0 && exponent < 0x7FF)) {
            return sign | (long) exponent << 52 | (sig >>> EXTRA_BITS) & 0xF_FFFF_FFFF_FFFFL;
        }
        return NOT_EXACT;
    }

    /** After {@link #exactDouble} was stored: the pop and the status word. */
    static void commitStore(X86FpuState fpu, boolean pop) {
        if (pop) {
            X87Stack.pop(fpu);
        }
        finish(fpu);
    }

    /** The end of an instruction that raised nothing: C1 clear, ES and B from the flags already there. */
    private static void finish(X86FpuState fpu) {
        fpu.setStatusWord(fpu.statusWord() & ~X87Stack.C1);
        X87Stack.updateSummary(fpu);
    }
}

package dev.trufflexen.x86.nodes.sse;

import java.math.BigInteger;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86FpuState;

/**
 * The exact slow path of SSE arithmetic: the operation is carried out exactly on integer
 * significands ({@link BigInteger}), then rounded once under MXCSR, as IEEE 754 and the SDM
 * describe: the four rounding modes, tininess detected after rounding (x86 semantics),
 * flush-to-zero of tiny results when underflow is masked, overflow to infinity or the largest
 * finite value by rounding mode, and the OE/UE/PE flags. Reached only when the fast path in
 * {@link X86SseFloat} cannot vouch for its result: directed rounding, flush-to-zero with a tiny
 * result, results near or below the normal range, overflow.
 */
final class X86SseRounding {
    static final int ROUND_NEAREST = 0;
    static final int ROUND_DOWN = 1;
    static final int ROUND_UP = 2;
    static final int ROUND_TO_ZERO = 3;

    private X86SseRounding() {
    }

    static int roundingMode(int mxcsr) {
        return (mxcsr >>> 13) & 3;
    }

    /** The exact result of a finite, non-special operation, rounded. */
    @TruffleBoundary
    static long arithmetic(int operation, X86FloatFormat f, long a, long b, int mxcsr, X86FpuState fpu) {
        int mode = roundingMode(mxcsr);
        boolean negA = f.isNegative(a);
        boolean negB = f.isNegative(b);
        BigInteger ma = BigInteger.valueOf(f.significand(a));
        BigInteger mb = BigInteger.valueOf(f.significand(b));
        int ea = f.unitExponent(a);
        int eb = f.unitExponent(b);
        switch (operation) {
            case X86SseFloat.ADD, X86SseFloat.SUB -> {
                if (operation == X86SseFloat.SUB) {
                    negB = !negB;
                }
                int e = Math.min(ea, eb);
                BigInteger sa = ma.shiftLeft(ea - e);
                BigInteger sb = mb.shiftLeft(eb - e);
                BigInteger sum = (negA ? sa.negate() : sa).add(negB ? sb.negate() : sb);
                if (sum.signum() == 0) {
                    boolean negative = negA == negB ? negA : mode == ROUND_DOWN;
                    return f.zero(negative);
                }
                return round(f, sum.signum() < 0, sum.abs(), e, false, mxcsr, fpu);
            }
            case X86SseFloat.MUL -> {
                BigInteger product = ma.multiply(mb);
                if (product.signum() == 0) {
                    return f.zero(negA != negB);
                }
                return round(f, negA != negB, product, ea + eb, false, mxcsr, fpu);
            }
            case X86SseFloat.DIV -> {
                if (ma.signum() == 0) {
                    return f.zero(negA != negB);
                }
                int k = Math.max(0, f.precision + 3 + mb.bitLength() - ma.bitLength());
                BigInteger[] qr = ma.shiftLeft(k).divideAndRemainder(mb);
                return round(f, negA != negB, qr[0], ea - eb - k, qr[1].signum() != 0, mxcsr, fpu);
            }
            default -> { // SQRT of a (non-negative, non-zero)
                if (ma.signum() == 0) {
                    return a;
                }
                BigInteger m = ma;
                int e = ea;
                if ((e & 1) != 0) {
                    m = m.shiftLeft(1);
                    e--;
                }
                int k = Math.max(0, f.precision + 4 - m.bitLength() / 2);
                BigInteger scaled = m.shiftLeft(2 * k);
                BigInteger root = scaled.sqrt();
                boolean sticky = !root.multiply(root).equals(scaled);
                return round(f, false, root, e / 2 - k, sticky, mxcsr, fpu);
            }
        }
    }

    /** Rounds an integer to {@code f}: value = magnitude * 2^exponent (+ a sticky remainder below). */
    @TruffleBoundary
    static long roundInteger(X86FloatFormat f, boolean negative, BigInteger magnitude, int mxcsr, X86FpuState fpu) {
        if (magnitude.signum() == 0) {
            return 0;
        }
        return round(f, negative, magnitude, 0, false, mxcsr, fpu);
    }

    /**
     * Rounds {@code magnitude * 2^exponent} (non-zero; plus less than one unit when {@code sticky},
     * in which case {@code magnitude} has at least precision + 2 bits) and raises OE, UE, PE.
     */
    static long round(X86FloatFormat f, boolean negative, BigInteger magnitude, int exponent, boolean sticky, int mxcsr,
            X86FpuState fpu) {
        int mode = roundingMode(mxcsr);
        int p = f.precision;
        int bits = magnitude.bitLength();
        int leading = exponent + bits - 1;
        long unbounded = roundAt(magnitude, bits - p, sticky, mode, negative);
        long significand = unbounded >>> 1;
        if (significand == 1L << p) {
            significand >>>= 1;
            leading++;
        }
        long sign = negative ? f.signBit : 0;
        if (leading >= f.minExponent) {
            boolean inexact = (unbounded & 1) != 0;
            if (leading > f.maxExponent) {
                if ((mxcsr & 0x400) == 0) {
                    // Unmasked: #XM without a result; PE reports the inexactness of the (scaled) full-precision result.
                    fpu.raiseSimdExceptions(X86SseFloat.OE | (inexact ? X86SseFloat.PE : 0));
                    return sign | f.exponentMask;
                }
                fpu.raiseSimdExceptions(X86SseFloat.OE | X86SseFloat.PE);
                boolean toInfinity = mode == ROUND_NEAREST || mode == ROUND_UP && !negative || mode == ROUND_DOWN && negative;
                return sign | (toInfinity ? f.exponentMask : f.largestFinite);
            }
            if (inexact) {
                fpu.raiseSimdExceptions(X86SseFloat.PE);
            }
            return sign | ((long) (leading + f.bias) << (p - 1)) | (significand & f.fractionMask);
        }
        // Tiny: round to the denormal grid.
        int denormalShift = (f.minExponent - (p - 1)) - exponent;
        long denormal;
        boolean inexact;
        if (denormalShift <= 0) {
            denormal = magnitude.shiftLeft(-denormalShift).longValue();
            inexact = sticky;
        } else {
            long rounded = roundAt(magnitude, denormalShift, sticky, mode, negative);
            denormal = rounded >>> 1;
            inexact = (rounded & 1) != 0;
        }
        boolean underflowMasked = (mxcsr & 0x800) != 0;
        if (!underflowMasked) {
            // Unmasked: #XM without a result; PE reports the inexactness of the (scaled) full-precision result.
            fpu.raiseSimdExceptions(X86SseFloat.UE | ((unbounded & 1) != 0 ? X86SseFloat.PE : 0));
            return sign | denormal;
        }
        if ((mxcsr & X86SseFloat.FLUSH_TO_ZERO) != 0) {
            fpu.raiseSimdExceptions(X86SseFloat.UE | X86SseFloat.PE);
            return sign;
        }
        if (inexact) {
            fpu.raiseSimdExceptions(X86SseFloat.UE | X86SseFloat.PE);
        }
        return sign | denormal;
    }

    /** {@code magnitude >> shift} rounded by {@code mode}, shifted left one, with bit 0 set when inexact. */
    private static long roundAt(BigInteger magnitude, int shift, boolean sticky, int mode, boolean negative) {
        if (shift <= 0) {
            return (magnitude.shiftLeft(-shift).longValue() << 1) | (sticky ? 1 : 0);
        }
        BigInteger kept = magnitude.shiftRight(shift);
        BigInteger remainder = magnitude.subtract(kept.shiftLeft(shift));
        boolean inexact = sticky || remainder.signum() != 0;
        long value = kept.longValue();
        boolean up;
        switch (mode) {
            case ROUND_NEAREST -> {
                int half = remainder.compareTo(BigInteger.ONE.shiftLeft(shift - 1));
                up = half > 0 || half == 0 && (sticky || (value & 1) != 0);
            }
            case ROUND_DOWN -> up = negative && inexact;
            case ROUND_UP -> up = !negative && inexact;
            default -> up = false;
        }
        return ((value + (up ? 1 : 0)) << 1) | (inexact ? 1 : 0);
    }
}

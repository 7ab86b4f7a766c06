package dev.trufflexen.x86.nodes.sse;

import java.math.BigInteger;

import dev.trufflexen.x86.cpu.X86FpuState;

/**
 * Element conversions of SSE/SSE2: float to integer (rounded by MXCSR or truncated; a NaN or an
 * out-of-range value raises IE and gives the integer indefinite 0x80000000 or
 * 0x8000000000000000), integer to float (rounded by MXCSR) and single to double and back.
 */
public final class X86SseConversions {
    private X86SseConversions() {
    }

    /** A 32- or 64-bit integer from a float element. */
    public static long toInteger(X86FloatFormat f, long bits, int integerSize, boolean truncate, int mxcsr, X86FpuState fpu) {
        long indefinite = integerSize == 8 ? Long.MIN_VALUE : 0x8000_0000L;
        if (f.isNaN(bits) || f.isInfinite(bits)) {
            fpu.raiseSimdExceptions(X86SseFloat.IE);
            return indefinite;
        }
        if (f.isDenormal(bits) && (mxcsr & X86SseFloat.DENORMALS_ARE_ZERO) != 0) {
            return 0;
        }
        double v = f.toDouble(bits);
        double r;
        int mode = truncate ? X86SseRounding.ROUND_TO_ZERO : X86SseRounding.roundingMode(mxcsr);
        switch (mode) {
            case X86SseRounding.ROUND_NEAREST -> r = Math.rint(v);
            case X86SseRounding.ROUND_DOWN -> r = Math.floor(v);
            case X86SseRounding.ROUND_UP -> r = Math.ceil(v);
            default -> r = v < 0 ? Math.ceil(v) : Math.floor(v);
        }
        double limit = integerSize == 8 ? 0x1p63 : 0x1p31;
        if (!(r >= -limit && r < limit)) {
            fpu.raiseSimdExceptions(X86SseFloat.IE);
            return indefinite;
        }
        if (r != v) {
            fpu.raiseSimdExceptions(X86SseFloat.PE);
        }
        long result = (long) r;
        return integerSize == 8 ? result : result & 0xFFFF_FFFFL;
    }

    /** A float element from a signed integer. */
    public static long fromInteger(X86FloatFormat f, long value, int mxcsr, X86FpuState fpu) {
        long limit = 1L << f.precision;
        if (value > -limit && value < limit) {
            if (f == X86FloatFormat.SINGLE) {
                return Float.floatToRawIntBits(value) & 0xFFFF_FFFFL;
            }
            return Double.doubleToRawLongBits(value);
        }
        return slowFromInteger(f, value, mxcsr, fpu);
    }

    private static long slowFromInteger(X86FloatFormat f, long value, int mxcsr, X86FpuState fpu) {
        BigInteger magnitude = BigInteger.valueOf(value).abs();
        return X86SseRounding.roundInteger(f, value < 0, magnitude, mxcsr, fpu);
    }

    /** Single to double (exact) or double to single (rounded), with the NaN, DAZ and DE rules. */
    public static long convertFormat(X86FloatFormat from, X86FloatFormat to, long bits, int mxcsr, X86FpuState fpu) {
        boolean negative = from.isNegative(bits);
        if (from.isNaN(bits)) {
            if (from.isSignalingNaN(bits)) {
                fpu.raiseSimdExceptions(X86SseFloat.IE);
            }
            long payload = bits & from.fractionMask;
            int shift = to.precision - from.precision;
            payload = shift >= 0 ? payload << shift : payload >>> -shift;
            return to.quiet((negative ? to.signBit : 0) | to.exponentMask | payload);
        }
        if (from.isInfinite(bits)) {
            return to.infinity(negative);
        }
        bits = X86SseFloat.operand(from, bits, mxcsr, fpu);
        if (from.isZero(bits)) {
            return to.zero(negative);
        }
        if (to == X86FloatFormat.DOUBLE) {
            return Double.doubleToRawLongBits(from.toDouble(bits));
        }
        double v = Double.longBitsToDouble(bits);
        if (X86SseRounding.roundingMode(mxcsr) == X86SseRounding.ROUND_NEAREST) {
            float r = (float) v;
            if (Math.abs(r) > Float.MIN_NORMAL && !Float.isInfinite(r)) {
                if (r != v) {
                    fpu.raiseSimdExceptions(X86SseFloat.PE);
                }
                return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
            }
        }
        return slowNarrow(from, bits, negative, mxcsr, fpu);
    }

    @com.oracle.truffle.api.CompilerDirectives.TruffleBoundary
    private static long slowNarrow(X86FloatFormat from, long bits, boolean negative, int mxcsr, X86FpuState fpu) {
        return X86SseRounding.round(X86FloatFormat.SINGLE, negative, BigInteger.valueOf(from.significand(bits)),
                from.unitExponent(bits), false, mxcsr, fpu);
    }
}

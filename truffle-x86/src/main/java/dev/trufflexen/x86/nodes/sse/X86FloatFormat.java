package dev.trufflexen.x86.nodes.sse;

/** The bit layout of an IEEE binary32 or binary64 value held in the low bits of a {@code long}. */
public final class X86FloatFormat {
    public static final X86FloatFormat SINGLE = new X86FloatFormat(24, 8);
    public static final X86FloatFormat DOUBLE = new X86FloatFormat(53, 11);

    /** Significand bits including the hidden one. */
    final int precision;
    final int bias;
    final int minExponent;
    final int maxExponent;
    final long signBit;
    final long exponentMask;
    final long fractionMask;
    final long quietBit;
    /** The x86 default NaN (QNaN floating-point indefinite): sign set, quiet bit set. */
    final long defaultNaN;
    final long magnitudeMask;
    final long largestFinite;
    /** The largest biased exponent (all ones: infinities and NaNs). */
    final int exponentField;

    private X86FloatFormat(int precision, int exponentBits) {
        this.precision = precision;
        this.bias = (1 << (exponentBits - 1)) - 1;
        this.minExponent = 1 - bias;
        this.maxExponent = bias;
        int fractionBits = precision - 1;
        this.signBit = 1L << (fractionBits + exponentBits);
        this.fractionMask = (1L << fractionBits) - 1;
        this.exponentMask = ((1L << exponentBits) - 1) << fractionBits;
        this.quietBit = 1L << (fractionBits - 1);
        this.defaultNaN = signBit | exponentMask | quietBit;
        this.magnitudeMask = signBit - 1;
        this.largestFinite = exponentMask - 1;
        this.exponentField = (1 << exponentBits) - 1;
    }

    boolean isNaN(long bits) {
        return (bits & exponentMask) == exponentMask && (bits & fractionMask) != 0;
    }

    boolean isSignalingNaN(long bits) {
        return isNaN(bits) && (bits & quietBit) == 0;
    }

    boolean isInfinite(long bits) {
        return (bits & magnitudeMask) == exponentMask;
    }

    boolean isZero(long bits) {
        return (bits & magnitudeMask) == 0;
    }

    boolean isDenormal(long bits) {
        return (bits & exponentMask) == 0 && (bits & fractionMask) != 0;
    }

    /** A normal number: neither zero, denormal, infinite nor NaN. */
    boolean isNormal(long bits) {
        long exponent = bits & exponentMask;
        return exponent != 0 && exponent != exponentMask;
    }

    /** A normal number or a zero: what compares without any flag. */
    boolean isNormalOrZero(long bits) {
        return isNormal(bits) || isZero(bits);
    }

    boolean isNegative(long bits) {
        return (bits & signBit) != 0;
    }

    long quiet(long bits) {
        return bits | quietBit;
    }

    /** The value as a Java double (exact for both formats). */
    double toDouble(long bits) {
        return this == SINGLE ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
    }

    long infinity(boolean negative) {
        return negative ? signBit | exponentMask : exponentMask;
    }

    long zero(boolean negative) {
        return negative ? signBit : 0;
    }

    /** The integer significand (with the hidden bit for normal numbers). */
    long significand(long bits) {
        long fraction = bits & fractionMask;
        return (bits & exponentMask) == 0 ? fraction : fraction | (fractionMask + 1);
    }

    /** The exponent of the significand's unit bit: value = significand * 2^unitExponent. */
    int unitExponent(long bits) {
        int biased = (int) ((bits & exponentMask) >>> (precision - 1));
        return Math.max(biased, 1) - bias - (precision - 1);
    }
}

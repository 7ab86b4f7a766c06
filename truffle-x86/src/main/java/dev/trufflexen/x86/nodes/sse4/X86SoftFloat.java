package dev.trufflexen.x86.nodes.sse4;

/**
 * IEEE 754 single and double precision arithmetic from raw bits, as the SSE unit does it:
 * every MXCSR rounding mode, DAZ (denormal operands read as zero) and FTZ (tiny results
 * flushed to zero when underflow is masked), the six exception flags, x86 NaN rules (an SNaN
 * operand raises invalid; the first NaN operand is returned quieted; invalid operations return
 * the default NaN, a negative QNaN), and tininess detected after rounding.
 *
 * <p>Java's float and double arithmetic cannot serve: it only rounds to nearest, reports no
 * exceptions and leaves NaN payloads unspecified. So values are unpacked into integer
 * significands, multiplied or added exactly (a 62-bit container with the bits shifted out kept
 * as a sticky bit), then rounded once by {@link #round}. One instance serves one instruction
 * and accumulates its exception flags in {@link #flags}.
 */
final class X86SoftFloat {
    static final int INVALID = 0x01;
    static final int DENORMAL = 0x02;
    static final int DIVIDE_BY_ZERO = 0x04;
    static final int OVERFLOW = 0x08;
    static final int UNDERFLOW = 0x10;
    static final int PRECISION = 0x20;
    static final int MXCSR_DAZ = 0x40;
    static final int MXCSR_FTZ = 0x8000;
    static final int MXCSR_UNDERFLOW_MASK = 0x800;

    static final int NEAREST = 0;
    static final int DOWN = 1;
    static final int UP = 2;
    static final int TOWARD_ZERO = 3;

    private final boolean isDouble;
    private final int fractionBits;
    private final int precision;
    private final int maxExponent;
    private final int bias;
    private final long fractionMask;
    private final int signShift;
    private final int rounding;
    private final boolean denormalsAreZero;
    private final boolean flushToZero;
    private final boolean underflowMasked;
    int flags;

    X86SoftFloat(boolean isDouble, int mxcsr) {
        this.isDouble = isDouble;
        this.fractionBits = isDouble ? 52 : 23;
        this.precision = fractionBits + 1;
        this.maxExponent = isDouble ? 0x7FF : 0xFF;
        this.bias = isDouble ? 1023 : 127;
        this.fractionMask = (1L << fractionBits) - 1;
        this.signShift = isDouble ? 63 : 31;
        this.rounding = (mxcsr >> 13) & 3;
        this.denormalsAreZero = (mxcsr & MXCSR_DAZ) != 0;
        this.flushToZero = (mxcsr & MXCSR_FTZ) != 0;
        this.underflowMasked = (mxcsr & MXCSR_UNDERFLOW_MASK) != 0;
    }

    long defaultNaN() {
        return isDouble ? 0xFFF8_0000_0000_0000L : 0xFFC0_0000L;
    }

    private int exponent(long x) {
        return (int) (x >>> fractionBits) & maxExponent;
    }

    boolean isNaN(long x) {
        return exponent(x) == maxExponent && (x & fractionMask) != 0;
    }

    private boolean isSignaling(long x) {
        return isNaN(x) && (x & (1L << (fractionBits - 1))) == 0;
    }

    private long quiet(long x) {
        return x | (1L << (fractionBits - 1));
    }

    private boolean isInfinite(long x) {
        return exponent(x) == maxExponent && (x & fractionMask) == 0;
    }

    private boolean isZero(long x) {
        return exponent(x) == 0 && (x & fractionMask) == 0;
    }

    private int sign(long x) {
        return (int) (x >>> signShift) & 1;
    }

    private long zero(int sign) {
        return (long) sign << signShift;
    }

    private long infinity(int sign) {
        return zero(sign) | (long) maxExponent << fractionBits;
    }

    /** A NaN result for NaN operands: invalid if either signals; the first NaN, quieted. */
    private long propagateNaN(long a, long b) {
        if (isSignaling(a) || isSignaling(b)) {
            flags |= INVALID;
        }
        return isNaN(a) ? quiet(a) : quiet(b);
    }

    /** An operand as the arithmetic sees it: denormals become zero under DAZ, else raise the denormal flag. */
    private long operand(long x) {
        if (exponent(x) == 0 && (x & fractionMask) != 0) {
            if (denormalsAreZero) {
                return zero(sign(x));
            }
            flags |= DENORMAL;
        }
        return x;
    }

    private long significand(long x) {
        long fraction = x & fractionMask;
        return exponent(x) == 0 ? fraction : fraction | (1L << fractionBits);
    }

    /** The exponent of the significand's least significant bit. */
    private int scale(long x) {
        return Math.max(exponent(x), 1) - bias - fractionBits;
    }

    long multiply(long a, long b) {
        if (isNaN(a) || isNaN(b)) {
            return propagateNaN(a, b);
        }
        a = operand(a);
        b = operand(b);
        int sign = sign(a) ^ sign(b);
        if (isInfinite(a) || isInfinite(b)) {
            if (isZero(a) || isZero(b)) {
                flags |= INVALID;
                return defaultNaN();
            }
            return infinity(sign);
        }
        if (isZero(a) || isZero(b)) {
            return zero(sign);
        }
        long ma = significand(a);
        long mb = significand(b);
        int e = scale(a) + scale(b);
        if (!isDouble) {
            return round(sign, ma * mb, e, false);
        }
        long high = Math.multiplyHigh(ma, mb);
        long low = ma * mb;
        if (high == 0 && low >= 0 && low < (1L << 62)) {
            return round(sign, low, e, false);
        }
        int total = high != 0 ? 128 - Long.numberOfLeadingZeros(high) : 64 - Long.numberOfLeadingZeros(low);
        int shift = total - 62;
        long sig = (high << (64 - shift)) | (low >>> shift);
        boolean sticky = (low & ((1L << shift) - 1)) != 0;
        return round(sign, sig, e + shift, sticky);
    }

    long add(long a, long b) {
        if (isNaN(a) || isNaN(b)) {
            return propagateNaN(a, b);
        }
        a = operand(a);
        b = operand(b);
        int sa = sign(a);
        int sb = sign(b);
        if (isInfinite(a) || isInfinite(b)) {
            if (isInfinite(a) && isInfinite(b) && sa != sb) {
                flags |= INVALID;
                return defaultNaN();
            }
            return isInfinite(a) ? a : b;
        }
        if (isZero(a) && isZero(b)) {
            return zero(sa == sb ? sa : (rounding == DOWN ? 1 : 0));
        }
        long ma = significand(a) << 8;
        long mb = significand(b) << 8;
        int ea = isZero(a) ? Integer.MIN_VALUE / 2 : scale(a) - 8;
        int eb = isZero(b) ? Integer.MIN_VALUE / 2 : scale(b) - 8;
        if (ea < eb) {
            long m = ma;
            ma = mb;
            mb = m;
            int e = ea;
            ea = eb;
            eb = e;
            int s = sa;
            sa = sb;
            sb = s;
        }
        long distance = (long) ea - eb;
        if (distance >= 62) {
            mb = mb != 0 ? 1 : 0;
        } else if (distance > 0) {
            boolean sticky = (mb & ((1L << distance) - 1)) != 0;
            mb = (mb >>> distance) | (sticky ? 1 : 0);
        }
        long sum;
        int sign;
        if (sa == sb) {
            sum = ma + mb;
            sign = sa;
        } else if (ma >= mb) {
            sum = ma - mb;
            sign = sa;
        } else {
            sum = mb - ma;
            sign = sb;
        }
        if (sum == 0) {
            return zero(rounding == DOWN ? 1 : 0);
        }
        return round(sign, sum, ea, false);
    }

    /**
     * Rounds {@code sig * 2^e} (plus a nonzero amount below its last bit when {@code sticky};
     * {@code 0 < sig < 2^62}) to the format, raising precision, underflow and overflow.
     */
    private long round(int sign, long sig, int e, boolean sticky) {
        int top = 63 - Long.numberOfLeadingZeros(sig);
        int valueExponent = e + top;
        int minExponent = 1 - bias;
        int quantum = Math.max(valueExponent, minExponent) - (precision - 1);
        long n = roundAt(sign, sig, e, sticky, quantum);
        boolean inexact = lastInexact;
        boolean tiny = false;
        boolean unboundedInexact = inexact;
        if (valueExponent < minExponent) {
            long unbounded = roundAt(sign, sig, e, sticky, valueExponent - (precision - 1));
            unboundedInexact = lastInexact;
            tiny = !(unbounded == (1L << precision) && valueExponent + 1 >= minExponent);
        }
        if (n == (1L << precision)) {
            n >>>= 1;
            quantum++;
        }
        int biased = n >= (1L << (precision - 1)) ? quantum + (precision - 1) + bias : 0;
        if (biased >= maxExponent) {
            flags |= OVERFLOW | PRECISION;
            boolean toInfinity = rounding == NEAREST || rounding == UP && sign == 0 || rounding == DOWN && sign == 1;
            return toInfinity ? infinity(sign) : infinity(sign) - 1;
        }
        if (tiny) {
            if (flushToZero && underflowMasked) {
                flags |= UNDERFLOW | PRECISION;
                return zero(sign);
            }
            if (!underflowMasked) {
                // The instruction stops; precision is judged on the result with an unbounded exponent.
                flags |= unboundedInexact ? UNDERFLOW | PRECISION : UNDERFLOW;
                return zero(sign) | (long) biased << fractionBits | (n & fractionMask);
            }
            if (inexact) {
                flags |= UNDERFLOW;
            }
        }
        if (inexact) {
            flags |= PRECISION;
        }
        return zero(sign) | (long) biased << fractionBits | (n & fractionMask);
    }

    private boolean lastInexact;

    /** {@code sig * 2^e} rounded to a multiple of {@code 2^quantum}, in units of it; sets {@link #lastInexact}. */
    private long roundAt(int sign, long sig, int e, boolean sticky, int quantum) {
        long shift = (long) quantum - e;
        long n;
        boolean roundBit;
        boolean rest;
        if (shift <= 0) {
            n = sig << -shift;
            roundBit = false;
            rest = sticky;
        } else if (shift >= 63) {
            n = 0;
            roundBit = false;
            rest = true;
        } else {
            n = sig >>> shift;
            roundBit = ((sig >>> (shift - 1)) & 1) != 0;
            rest = sticky || (sig & ((1L << (shift - 1)) - 1)) != 0;
        }
        lastInexact = roundBit || rest;
        boolean increment = switch (rounding) {
            case NEAREST -> roundBit && (rest || (n & 1) != 0);
            case DOWN -> lastInexact && sign == 1;
            case UP -> lastInexact && sign == 0;
            default -> false;
        };
        return increment ? n + 1 : n;
    }
}

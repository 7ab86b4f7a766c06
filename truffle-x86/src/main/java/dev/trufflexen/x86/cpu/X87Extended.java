package dev.trufflexen.x86.cpu;

import java.math.BigInteger;

/**
 * Software arithmetic on the x87 80-bit extended format, exactly rounded.
 *
 * <p>Design. Java has no 80-bit type, so a value travels as a pair: the 64-bit significand with
 * its explicit integer bit ({@code sig}) and the 16-bit sign-and-biased-exponent word
 * ({@code se}), exactly as in a register or in memory. Operations unpack their operands to a
 * sign, an unbiased exponent and a normalized significand (bit 63 set; denormals and
 * pseudo-denormals are normalized), compute the exact result as a 128-bit significand
 * ({@code hi:lo}, the lowest bit doubling as a sticky bit) and round it once in
 * {@link #round}, which implements the x87 rules: precision control (24, 53 or 64 bits, the
 * exponent range staying extended), the four rounding modes, tininess detected after rounding,
 * masked underflow to a denormal (UE only when inexact), unmasked underflow and overflow with
 * the exponent wrapped by 24576 (3 * 2^13), masked overflow to infinity or the largest finite
 * number by rounding mode, PE and the round-up indication that becomes C1.
 *
 * <p>One instance per FPU is used as scratch: {@link #begin} takes the control word, each
 * operation leaves its result in {@link #sig}/{@link #se}, accumulates exception bits in
 * {@link #flags} and returns whether the result may be delivered (false when an unmasked
 * invalid-operation, denormal or zero-divide exception suppresses it). Unsupported encodings
 * (unnormals, pseudo-NaNs, pseudo-infinities) are invalid operands, as on every x87 since the
 * 80387.
 */
public final class X87Extended {
    public static final int IE = 0x01;
    public static final int DE = 0x02;
    public static final int ZE = 0x04;
    public static final int OE = 0x08;
    public static final int UE = 0x10;
    public static final int PE = 0x20;
    public static final int SF = 0x40;
    /** Not an exception: the last rounding incremented the significand (becomes FSW.C1). */
    public static final int ROUNDED_UP = 0x200;

    public static final long INDEFINITE_SIG = 0xC000_0000_0000_0000L;
    public static final int INDEFINITE_SE = 0xFFFF;
    public static final long QUIET_BIT = 0x4000_0000_0000_0000L;
    public static final long INTEGER_BIT = 0x8000_0000_0000_0000L;

    public static final int ZERO = 0;
    public static final int NORMAL = 1;
    public static final int DENORMAL = 2;
    public static final int INFINITY = 3;
    public static final int QNAN = 4;
    public static final int SNAN = 5;
    public static final int UNSUPPORTED = 6;

    public static final int NEAREST = 0;
    public static final int DOWN = 1;
    public static final int UP = 2;
    public static final int CHOP = 3;

    public static final int BIAS = 16383;
    public static final int MAX_BIASED = 0x7FFF;
    public static final int WRAP = 24576;

    /** The result of the last operation. */
    public long sig;
    public int se;
    /** Exception bits and {@link #ROUNDED_UP} accumulated since {@link #begin}. */
    public int flags;

    int masks;
    int roundingMode;
    int precision;

    // Unpacked operands.
    boolean aSign;
    int aExp;
    long aSig;
    boolean bSign;
    int bExp;
    long bSig;

    // Outcome of the last roundAt.
    private boolean inexact;
    private boolean up;
    private boolean carry;

    /** Starts an instruction under control word {@code fcw}. */
    public void begin(int fcw) {
        masks = fcw & 0x3F;
        roundingMode = (fcw >>> 10) & 3;
        precision = switch ((fcw >>> 8) & 3) {
            case 0 -> 24;
            case 2 -> 53;
            default -> 64;
        };
        flags = 0;
        sourceDenormal = false;
    }

    /**
     * A memory operand that was a single or double denormal: normalized in the extended
     * format, it still counts as a denormal operand (DE) for the operation that uses it.
     */
    private boolean sourceDenormal;
    private long sourceSig;
    private int sourceSe;

    public void markDenormalSource(long s, int e) {
        sourceDenormal = true;
        sourceSig = s;
        sourceSe = e;
    }

    /** The class of an operand, counting a denormal memory source as {@link #DENORMAL}. */
    public int operandClass(long s, int e) {
        int c = classify(s, e);
        if (c == NORMAL && sourceDenormal && s == sourceSig && e == sourceSe) {
            return DENORMAL;
        }
        return c;
    }

    public int roundingMode() {
        return roundingMode;
    }

    /** The exception masks (FCW bits 0-5). */
    public int masksForCompare() {
        return masks;
    }

    public boolean masked(int exception) {
        return (masks & exception) != 0;
    }

    public static int classify(long sig, int se) {
        int e = se & 0x7FFF;
        if (e == 0) {
            return sig == 0 ? ZERO : DENORMAL;
        }
        if (e == 0x7FFF) {
            if (sig >= 0) {
                return UNSUPPORTED;
            }
            if ((sig << 1) == 0) {
                return INFINITY;
            }
            return (sig & QUIET_BIT) != 0 ? QNAN : SNAN;
        }
        return sig < 0 ? NORMAL : UNSUPPORTED;
    }

    /** A pseudo-denormal: biased exponent 0 with the integer bit set, the value of biased exponent 1. */
    public static boolean isPseudoDenormal(long sig, int se) {
        return (se & 0x7FFF) == 0 && sig < 0;
    }

    public static boolean isNan(int cls) {
        return cls == QNAN || cls == SNAN;
    }

    /** Result: the invalid-operation default (QNaN indefinite). */
    public boolean invalid() {
        flags |= IE;
        sig = INDEFINITE_SIG;
        se = INDEFINITE_SE;
        return masked(IE);
    }

    private boolean signal(int exception) {
        flags |= exception;
        return masked(exception);
    }

    /** One NaN operand: the result is it, quieted (IE when it was signalling). */
    public boolean nan1(long s, int e, int cls) {
        sig = s | QUIET_BIT;
        se = e;
        return cls != SNAN || signal(IE);
    }

    /** The x87 NaN rule for two operands (at least one a NaN). */
    public boolean nan2(long s1, int e1, int c1, long s2, int e2, int c2) {
        boolean n1 = isNan(c1);
        boolean n2 = isNan(c2);
        boolean first;
        if (n1 && n2) {
            if (c1 != c2) {
                first = c1 == QNAN;
            } else {
                int cmp = Long.compareUnsigned(s1 | QUIET_BIT, s2 | QUIET_BIT);
                first = cmp > 0 || cmp == 0 && (e1 & 0x8000) == 0;
            }
        } else {
            first = n1;
        }
        sig = (first ? s1 : s2) | QUIET_BIT;
        se = first ? e1 : e2;
        if (c1 == SNAN || c2 == SNAN) {
            return signal(IE);
        }
        return true;
    }

    private static long normalizedSig(long s) {
        return s << Long.numberOfLeadingZeros(s);
    }

    private static int unbiasedExp(long s, int e) {
        int biased = e & 0x7FFF;
        return (biased == 0 ? 1 : biased) - BIAS - Long.numberOfLeadingZeros(s);
    }

    void unpackA(long s, int e) {
        aSign = (e & 0x8000) != 0;
        aExp = unbiasedExp(s, e);
        aSig = normalizedSig(s);
    }

    void unpackB(long s, int e) {
        bSign = (e & 0x8000) != 0;
        bExp = unbiasedExp(s, e);
        bSig = normalizedSig(s);
    }

    private void packZero(boolean sign) {
        sig = 0;
        se = sign ? 0x8000 : 0;
    }

    private void packInfinity(boolean sign) {
        sig = INTEGER_BIT;
        se = sign ? 0xFFFF : 0x7FFF;
    }

    /** Checks for invalid and NaN operands of a two-operand operation; true when the caller should go on. */
    private boolean specials2(long s1, int e1, int c1, long s2, int e2, int c2) {
        if (c1 == UNSUPPORTED || c2 == UNSUPPORTED) {
            invalid();
            return false;
        }
        if (isNan(c1) || isNan(c2)) {
            nan2(s1, e1, c1, s2, e2, c2);
            return false;
        }
        return true;
    }

    /** True when the result is to be delivered. */
    private boolean delivered() {
        return (flags & ~masks & (IE | DE | ZE)) == 0;
    }

    // Arithmetic.

    public boolean add(long s1, int e1, long s2, int e2, boolean subtract) {
        int c1 = operandClass(s1, e1);
        int c2 = operandClass(s2, e2);
        if (!specials2(s1, e1, c1, s2, e2, c2)) {
            return delivered();
        }
        if (subtract) {
            e2 ^= 0x8000;
        }
        if (c1 == DENORMAL || c2 == DENORMAL) {
            if (!signal(DE)) {
                return false;
            }
        }
        boolean sign1 = (e1 & 0x8000) != 0;
        boolean sign2 = (e2 & 0x8000) != 0;
        if (c1 == INFINITY || c2 == INFINITY) {
            if (c1 == INFINITY && c2 == INFINITY && sign1 != sign2) {
                return invalid();
            }
            packInfinity(c1 == INFINITY ? sign1 : sign2);
            return true;
        }
        if (c1 == ZERO && c2 == ZERO) {
            packZero(sign1 == sign2 ? sign1 : roundingMode == DOWN);
            return true;
        }
        if (c1 == ZERO || c2 == ZERO) {
            if (c1 == ZERO) {
                unpackA(s2, e2);
            } else {
                unpackA(s1, e1);
            }
            round(aSign, aExp, aSig, 0, precision);
            return true;
        }
        unpackA(s1, e1);
        unpackB(s2, e2);
        if (aExp < bExp || aExp == bExp && Long.compareUnsigned(aSig, bSig) < 0) {
            boolean ts = aSign;
            int te = aExp;
            long tm = aSig;
            aSign = bSign;
            aExp = bExp;
            aSig = bSig;
            bSign = ts;
            bExp = te;
            bSig = tm;
        }
        int d = aExp - bExp;
        long bh;
        long bl;
        if (d == 0) {
            bh = bSig;
            bl = 0;
        } else if (d < 64) {
            bh = bSig >>> d;
            bl = bSig << (64 - d);
        } else if (d == 64) {
            bh = 0;
            bl = bSig;
        } else if (d < 128) {
            bh = 0;
            bl = (bSig >>> (d - 64)) | ((bSig << (128 - d)) != 0 ? 1 : 0);
        } else {
            bh = 0;
            bl = 1;
        }
        long hi;
        long lo;
        int exp = aExp;
        if (aSign == bSign) {
            lo = bl;
            hi = aSig + bh;
            if (Long.compareUnsigned(hi, aSig) < 0) {
                lo = (lo >>> 1) | (hi << 63) | (lo & 1);
                hi = (hi >>> 1) | INTEGER_BIT;
                exp++;
            }
        } else {
            lo = -bl;
            hi = aSig - bh - (bl != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) {
                packZero(roundingMode == DOWN);
                return true;
            }
            if (hi == 0) {
                hi = lo;
                lo = 0;
                exp -= 64;
            }
            int shift = Long.numberOfLeadingZeros(hi);
            if (shift > 0) {
                hi = (hi << shift) | (lo >>> (64 - shift));
                lo <<= shift;
                exp -= shift;
            }
        }
        round(aSign, exp, hi, lo, precision);
        return true;
    }

    public boolean multiply(long s1, int e1, long s2, int e2) {
        int c1 = operandClass(s1, e1);
        int c2 = operandClass(s2, e2);
        if (!specials2(s1, e1, c1, s2, e2, c2)) {
            return delivered();
        }
        boolean sign = ((e1 ^ e2) & 0x8000) != 0;
        if (c1 == INFINITY || c2 == INFINITY) {
            if (c1 == ZERO || c2 == ZERO) {
                return invalid();
            }
            if ((c1 == DENORMAL || c2 == DENORMAL) && !signal(DE)) {
                return false;
            }
            packInfinity(sign);
            return true;
        }
        if ((c1 == DENORMAL || c2 == DENORMAL) && !signal(DE)) {
            return false;
        }
        if (c1 == ZERO || c2 == ZERO) {
            packZero(sign);
            return true;
        }
        unpackA(s1, e1);
        unpackB(s2, e2);
        long hi = Math.unsignedMultiplyHigh(aSig, bSig);
        long lo = aSig * bSig;
        int exp = aExp + bExp + 1;
        if (hi >= 0) {
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            exp--;
        }
        round(sign, exp, hi, lo, precision);
        return true;
    }

    public boolean divide(long s1, int e1, long s2, int e2) {
        int c1 = operandClass(s1, e1);
        int c2 = operandClass(s2, e2);
        if (!specials2(s1, e1, c1, s2, e2, c2)) {
            return delivered();
        }
        boolean sign = ((e1 ^ e2) & 0x8000) != 0;
        if (c1 == INFINITY && c2 == INFINITY || c1 == ZERO && c2 == ZERO) {
            return invalid();
        }
        if (c1 == INFINITY) {
            packInfinity(sign);
            return c2 != DENORMAL || signal(DE);
        }
        if (c2 == ZERO) {
            packInfinity(sign);
            return signal(ZE);
        }
        if ((c1 == DENORMAL || c2 == DENORMAL) && !signal(DE)) {
            return false;
        }
        if (c1 == ZERO || c2 == INFINITY) {
            packZero(sign);
            return true;
        }
        unpackA(s1, e1);
        unpackB(s2, e2);
        BigInteger[] qr = unsigned(aSig).shiftLeft(128).divideAndRemainder(unsigned(bSig));
        BigInteger q = qr[0];
        int bits = q.bitLength();
        int exp = aExp - bExp - (bits == 129 ? 0 : 1);
        boolean sticky = qr[1].signum() != 0 || (bits == 129 && q.testBit(0));
        if (bits == 129) {
            q = q.shiftRight(1);
        }
        round(sign, exp, q.shiftRight(64).longValue(), q.longValue() | (sticky ? 1 : 0), precision);
        return true;
    }

    public boolean squareRoot(long s, int e) {
        int c = classify(s, e);
        if (c == UNSUPPORTED) {
            return invalid();
        }
        if (isNan(c)) {
            return nan1(s, e, c);
        }
        boolean negative = (e & 0x8000) != 0;
        if (c == ZERO) {
            sig = s;
            se = e;
            return true;
        }
        if (negative) {
            return invalid();
        }
        if (c == INFINITY) {
            packInfinity(false);
            return true;
        }
        if (c == DENORMAL && !signal(DE)) {
            return false;
        }
        unpackA(s, e);
        int integerExp = aExp - 63;
        int shift = ((integerExp & 1) == 0) ? 128 : 129;
        BigInteger n = unsigned(aSig).shiftLeft(shift);
        BigInteger r = n.sqrt();
        boolean sticky = !r.multiply(r).equals(n);
        int bits = r.bitLength();
        int exp = bits - 1 + (integerExp - shift) / 2;
        BigInteger aligned = r.shiftLeft(128 - bits);
        round(false, exp, aligned.shiftRight(64).longValue(), aligned.longValue() | (sticky ? 1 : 0), precision);
        return true;
    }

    static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
        return v < 0 ? b.setBit(63) : b;
    }

    // Rounding.

    /** Rounds {@code hi:lo} (bit 127 set) at {@code k} discarded low bits of {@code hi}. */
    private long roundAt(boolean sign, long hi, long lo, int k) {
        boolean roundBit;
        boolean sticky;
        long kept;
        long lsb;
        if (k == 0) {
            roundBit = lo < 0;
            sticky = (lo << 1) != 0;
            kept = hi;
            lsb = hi & 1;
        } else if (k < 64) {
            long mask = (1L << k) - 1;
            roundBit = ((hi >>> (k - 1)) & 1) != 0;
            sticky = (hi & (mask >>> 1)) != 0 || lo != 0;
            kept = hi & ~mask;
            lsb = (hi >>> k) & 1;
        } else if (k == 64) {
            roundBit = hi < 0;
            sticky = (hi << 1) != 0 || lo != 0;
            kept = 0;
            lsb = 0;
        } else {
            roundBit = false;
            sticky = hi != 0 || lo != 0;
            kept = 0;
            lsb = 0;
        }
        inexact = roundBit || sticky;
        up = switch (roundingMode) {
            case NEAREST -> roundBit && (sticky || lsb != 0);
            case DOWN -> inexact && sign;
            case UP -> inexact && !sign;
            default -> false;
        };
        carry = false;
        if (up) {
            if (k >= 64) {
                carry = k == 64;
                return k == 64 ? 0 : 1; // k > 64 is only used by integer rounding, which reads 1 as "one unit"
            }
            long increment = 1L << k;
            long sum = kept + increment;
            carry = Long.compareUnsigned(sum, kept) < 0;
            kept = sum;
        }
        return kept;
    }

    /** Rounds to the register format under the current precision control. */
    public void round(boolean sign, int exp, long hi, long lo, int bitsOfPrecision) {
        roundTo(sign, exp, hi, lo, bitsOfPrecision, BIAS, MAX_BIASED, WRAP, true);
        se = (sign ? 0x8000 : 0) | resultExp;
    }

    /** The biased exponent of the last {@link #roundTo}; {@link #sig} holds the significand (bit 63 explicit). */
    public int resultExp;
    /** False when an unmasked overflow or underflow suppressed a store to memory. */
    public boolean storeAllowed;

    /**
     * Rounds the exact value {@code 1.hi:lo * 2^exp} to {@code bitsOfPrecision} bits in a format
     * with {@code bias} and all-ones exponent {@code maxBiased}. To a register, unmasked
     * overflow and underflow deliver the value with the exponent wrapped by {@code wrap}; to
     * memory they suppress the store.
     */
    public void roundTo(boolean sign, int exp, long hi, long lo, int bitsOfPrecision, int bias, int maxBiased, int wrap, boolean toRegister) {
        storeAllowed = true;
        int k = 64 - bitsOfPrecision;
        int biased = exp + bias;
        if (biased < 1) {
            roundAt(sign, hi, lo, k);
            boolean tiny = biased < 0 || !carry;
            if (tiny && !masked(UE)) {
                flags |= UE;
                if (!toRegister) {
                    storeAllowed = false;
                    return;
                }
                biased += wrap;
                if (biased < 1) {
                    // Too small even with the exponent wrapped: a signed zero, inexact.
                    flags |= PE;
                    sig = 0;
                    resultExp = 0;
                    return;
                }
                // fall through to normal rounding with the wrapped exponent
            } else if (tiny) {
                int shift = 1 - biased;
                long shiftedHi;
                long shiftedLo;
                if (shift < 64) {
                    shiftedLo = (hi << (64 - shift)) | (lo >>> shift) | ((lo << (64 - shift)) != 0 ? 1 : 0);
                    shiftedHi = hi >>> shift;
                } else if (shift < 128) {
                    shiftedLo = (hi >>> (shift - 64)) | (((shift == 64 ? 0 : hi << (128 - shift)) | lo) != 0 ? 1 : 0);
                    shiftedHi = 0;
                } else {
                    shiftedLo = 1;
                    shiftedHi = 0;
                }
                long kept = roundAt(sign, shiftedHi, shiftedLo, k);
                sig = kept;
                resultExp = kept < 0 ? 1 : 0;
                if (inexact) {
                    flags |= UE | PE;
                }
                if (up) {
                    flags |= ROUNDED_UP;
                }
                return;
            }
        }
        long kept = roundAt(sign, hi, lo, k);
        if (carry) {
            kept = INTEGER_BIT;
            biased++;
        }
        if (inexact) {
            flags |= PE;
        }
        if (up) {
            flags |= ROUNDED_UP;
        }
        if (biased >= maxBiased) {
            if (!masked(OE)) {
                flags |= OE;
                if (!toRegister) {
                    flags &= ~(PE | ROUNDED_UP);
                    storeAllowed = false;
                    return;
                }
                biased -= wrap;
                if (biased >= maxBiased) {
                    // Too large even with the exponent wrapped: infinity, inexact.
                    flags |= PE | ROUNDED_UP;
                    kept = INTEGER_BIT;
                    biased = maxBiased;
                }
            } else {
                flags |= OE | PE;
                boolean toInfinity = roundingMode == NEAREST || roundingMode == UP && !sign || roundingMode == DOWN && sign;
                if (toInfinity) {
                    kept = INTEGER_BIT;
                    biased = maxBiased;
                    flags |= ROUNDED_UP;
                } else {
                    kept = -1L << k;
                    biased = maxBiased - 1;
                    flags &= ~ROUNDED_UP;
                }
            }
        }
        sig = kept;
        resultExp = biased;
    }

    /**
     * Rounds {@code 1.sig * 2^exp} (sig normalized) to an integral value under the rounding
     * mode: the result in {@link #sig}/{@link #se} as an extended value.
     */
    public void roundToIntegral(boolean sign, int exp, long s) {
        int k = 63 - exp;
        if (k <= 0) {
            sig = s;
            se = (sign ? 0x8000 : 0) | (exp + BIAS);
            return;
        }
        long kept = roundAt(sign, s, 0, k);
        if (inexact) {
            flags |= PE;
        }
        if (up) {
            flags |= ROUNDED_UP;
        }
        if (k >= 64) {
            if (up) {
                sig = INTEGER_BIT;
                se = (sign ? 0x8000 : 0) | BIAS;
            } else {
                packZero(sign);
            }
            return;
        }
        if (carry) {
            sig = INTEGER_BIT;
            se = (sign ? 0x8000 : 0) | (exp + 1 + BIAS);
        } else if (kept == 0) {
            packZero(sign);
        } else {
            sig = kept;
            se = (sign ? 0x8000 : 0) | (exp + BIAS);
        }
    }

    /**
     * The magnitude of {@code 1.s * 2^exp} rounded to an integer under {@code mode}, as an
     * unsigned 64-bit value; {@link #carry} tells it reached 2^64. Sets PE and the round-up bit.
     */
    public long integerMagnitude(boolean sign, int exp, long s, int mode) {
        int saved = roundingMode;
        roundingMode = mode;
        long result;
        boolean overflow = false;
        if (exp >= 64) {
            overflow = true;
            result = 0;
            inexact = false;
            up = false;
        } else {
            int k = 63 - exp;
            if (k <= 0) {
                result = s;
                inexact = false;
                up = false;
            } else {
                long kept = roundAt(sign, s, 0, k);
                if (k >= 64) {
                    result = up ? 1 : 0;
                } else if (carry) {
                    overflow = exp == 63;
                    result = overflow ? 0 : 1L << (exp + 1);
                } else {
                    result = kept >>> k;
                }
            }
        }
        roundingMode = saved;
        integerOverflow = overflow;
        return result;
    }

    /** Set by {@link #integerMagnitude} when the magnitude is 2^64 or more. */
    public boolean integerOverflow;

    public boolean lastInexact() {
        return inexact;
    }

    public boolean lastRoundedUp() {
        return up;
    }

    /** Packs an exact integer magnitude as an extended value. */
    public void fromInteger(boolean sign, long magnitude) {
        if (magnitude == 0) {
            packZero(sign);
            return;
        }
        int shift = Long.numberOfLeadingZeros(magnitude);
        sig = magnitude << shift;
        se = (sign ? 0x8000 : 0) | (BIAS + 63 - shift);
    }
}

package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86Likelihood;

/**
 * SSE floating-point arithmetic on raw bits, exactly as x86 does it under MXCSR.
 *
 * <p>Design. Java's float and double arithmetic rounds to nearest and says nothing of flags or
 * NaN payloads, so operands are first classified from their bits: DAZ turns denormal operands
 * into zeros; NaN operands give the first operand's NaN (quieted), else the second's, with IE for
 * a signaling NaN; invalid operations (inf-inf, 0*inf, 0/0, inf/inf, sqrt of a negative) give
 * the default NaN with IE; denormal operands raise DE and division of a finite non-zero value by
 * zero ZE. What remains is computed in Java (round to nearest) and the exact error of that result
 * is derived with the TwoSum and fused-multiply-add identities, which gives the precision flag.
 * Whenever the result could be affected by anything else (a rounding mode other than nearest, a
 * result near or below the smallest normal, overflow) the exact slow path
 * {@link X86SseRounding} decides. Single precision is computed in double, where the double
 * rounding of +, -, *, / and sqrt is innocuous (53 &gt;= 2 * 24 + 2).
 *
 * <p>Flags go to {@link X86FpuState#raiseSimdExceptions}; the node commits them with
 * {@link #commit} after all elements, raising #XM (destination unchanged) when one is unmasked.
 */
public final class X86SseFloat {
    public static final int ADD = 0;
    public static final int SUB = 1;
    public static final int MUL = 2;
    public static final int DIV = 3;
    public static final int MIN = 4;
    public static final int MAX = 5;
    public static final int SQRT = 6;

    public static final int IE = 1;
    public static final int DE = 2;
    public static final int ZE = 4;
    public static final int OE = 8;
    public static final int UE = 16;
    public static final int PE = 32;
    public static final int DENORMALS_ARE_ZERO = 0x40;
    public static final int FLUSH_TO_ZERO = 0x8000;

    private X86SseFloat() {
    }

    /** Treats a denormal operand as a signed zero under DAZ; else raises DE for it. */
    static long operand(X86FloatFormat f, long bits, int mxcsr, X86FpuState fpu) {
        if (f.isDenormal(bits)) {
            if ((mxcsr & DENORMALS_ARE_ZERO) != 0) {
                return bits & f.signBit;
            }
            fpu.raiseSimdExceptions(DE);
        }
        return bits;
    }

    /** Under DAZ, a denormal as a signed zero (no flag). */
    static long flushDenormal(X86FloatFormat f, long bits, int mxcsr) {
        if ((mxcsr & DENORMALS_ARE_ZERO) != 0 && f.isDenormal(bits)) {
            return bits & f.signBit;
        }
        return bits;
    }

    /** MXCSR's rounding-control bits (13-14): zero is round to nearest. */
    private static final int ROUNDING_CONTROL = 0x6000;

    /**
     * {@code a op b} (for SQRT, the square root of {@code b}). The common case (normal operands,
     * round to nearest, a normal result) is computed inline; everything else in {@link #general}
     * behind a boundary, which keeps the compiled code of packed instructions small.
     */
    public static long arithmetic(int operation, X86FloatFormat f, long a, long b, int mxcsr, X86FpuState fpu) {
        if (X86Likelihood.likely(isHardfloatState(mxcsr))) {
            long hard = hardfloat(operation, f, a, b);
            if (X86Likelihood.likely(hard != SLOW)) {
                return hard;
            }
        }
        if ((mxcsr & ROUNDING_CONTROL) == 0 && f.isNormal(b) && (operation == SQRT || f.isNormal(a))) {
            long fast;
            switch (operation) {
                case SQRT -> fast = f.isNegative(b) ? SLOW : fastSquareRoot(f, b, fpu);
                case MIN -> fast = f.toDouble(a) < f.toDouble(b) ? a : b;
                case MAX -> fast = f.toDouble(a) > f.toDouble(b) ? a : b;
                default -> fast = f == X86FloatFormat.SINGLE ? fastSingle(operation, a, b, fpu) : fastDouble(operation, a, b, fpu);
            }
            if (fast != SLOW) {
                return fast;
            }
        }
        return general(operation, f, a, b, mxcsr, fpu);
    }

    /** MXCSR's precision mask (bit 12). */
    private static final int PRECISION_MASK = 0x1000;
    /** The MXCSR bits the hardfloat path depends on: the rounding control, PE and PM. */
    private static final int HARDFLOAT_MASK = ROUNDING_CONTROL | PE | PRECISION_MASK;
    /** Round to nearest, and the precision flag already set and masked. */
    private static final int HARDFLOAT_STATE = PE | PRECISION_MASK;

    /**
     * The host's own operation, with no flag computed at all (QEMU's hardfloat). Valid only while
     * MXCSR rounds to nearest with PE already set and masked: then the one flag a zero-or-normal
     * operation with a normal or exactly-zero result can raise is PE, and raising it changes
     * nothing. Zero-or-normal operands exclude DE, IE and the DAZ case; a result that is normal
     * after rounding was not tiny before it (MIN_NORMAL is representable), which excludes UE and
     * FTZ; a finite result excludes OE. Division needs a normal divisor (ZE, IE); a zero result
     * is exact only when an operand was zero (MUL, DIV) or for ADD and SUB (a sum of doubles
     * that rounds to zero is exactly zero). Single precision is computed in double and rounded
     * once more, which is innocuous for these operations (53 &gt;= 2 * 24 + 2). Anything else
     * is SLOW.
     */
    static long hardfloat(int operation, X86FloatFormat f, long a, long b) {
        boolean single = f == X86FloatFormat.SINGLE;
        if (!f.isNormalOrZero(b)) {
            return SLOW;
        }
        if (operation == SQRT) {
            if (f.isNegative(b) && !f.isZero(b)) {
                return SLOW;
            }
            double s = Math.sqrt(f.toDouble(b));
            return single ? Float.floatToRawIntBits((float) s) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(s);
        }
        if (!f.isNormalOrZero(a)) {
            return SLOW;
        }
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        double d;
        switch (operation) {
            case ADD -> d = x + y;
            case SUB -> d = x - y;
            case MUL -> d = x * y;
            case DIV -> {
                if (f.isZero(b)) {
                    return SLOW;
                }
                d = x / y;
            }
            case MIN -> {
                return x < y ? a : b;
            }
            default -> {
                return x > y ? a : b;
            }
        }
        double r = single ? (double) (float) d : d;
        double magnitude = Math.abs(r);
        if (X86Likelihood.likely(magnitude > (single ? Float.MIN_NORMAL : Double.MIN_NORMAL)
                && magnitude <= (single ? Float.MAX_VALUE : Double.MAX_VALUE))) {
            return single ? Float.floatToRawIntBits((float) r) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(r);
        }
        if (r == 0 && (operation == ADD || operation == SUB || f.isZero(a) || f.isZero(b))) {
            return single ? Float.floatToRawIntBits((float) r) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(r);
        }
        return SLOW;
    }

    /**
     * The host's own ADD, SUB, MUL, DIV or SQRT (of {@code b}) on two operands of format {@code f},
     * with no check at all: valid only when {@link #isHostExact} then holds.
     */
    static long hostOperation(int operation, X86FloatFormat f, long a, long b) {
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        double d = switch (operation) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            default -> Math.sqrt(y);
        };
        return f == X86FloatFormat.SINGLE ? Float.floatToRawIntBits((float) d) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(d);
    }

    /** Whether {@link #hostOperation} covers {@code operation}: ADD, SUB, MUL, DIV and SQRT. */
    static boolean hasHostOperation(int operation) {
        return operation == ADD || operation == SUB || operation == MUL || operation == DIV || operation == SQRT;
    }

    /**
     * Whether {@code bits} is finite and at least twice the smallest normal number in magnitude:
     * its biased exponent is 2 or more and not all ones, one unsigned compare of the exponent with
     * small constants. Zeros, denormals, the smallest normal's binade (a result there may have been
     * tiny before rounding), infinities and NaNs all fail.
     */
    static boolean isWellInsideRange(X86FloatFormat f, long bits) {
        int exponent = (int) (bits >>> (f.precision - 1)) & f.exponentField;
        return Integer.compareUnsigned(exponent - 2, f.exponentField - 2) < 0;
    }

    /**
     * Whether {@code result}, the {@link #hostOperation} of {@code a} and {@code b} (only
     * {@code b} for SQRT), is the exact x86 result with no flag but PE to raise, while MXCSR is in
     * the hardfloat state (round to nearest, PE set and masked). All three values are tested with
     * {@link #isWellInsideRange}: then no operand is a NaN, an infinity, a zero or a denormal (no
     * IE, ZE, DE, and DAZ changes nothing), and the rounded result is neither tiny nor too large
     * (no UE, OE, and FTZ changes nothing). The test of an operand is the very test of the
     * instruction that computed it, so in a chain of operations the compiler drops it as
     * already known: each operation then costs the host instruction and one test of its result.
     */
    static boolean isHostExact(int operation, X86FloatFormat f, long a, long b, long result) {
        return isWellInsideRange(f, result) && isWellInsideRange(f, b) && (operation == SQRT || isWellInsideRange(f, a));
    }

    /**
     * Whether the host's arithmetic may serve SSE operations at all; with
     * {@code -Dtrufflexen.hardfloat=false} every one takes the exact path that computes MXCSR's
     * flags (for measuring what the host paths buy).
     */
    private static final boolean HARDFLOAT = !"false".equals(System.getProperty("trufflexen.hardfloat"));

    /** Whether {@link #hardfloat} applies under {@code mxcsr}. */
    static boolean isHardfloatState(int mxcsr) {
        return HARDFLOAT && (mxcsr & HARDFLOAT_MASK) == HARDFLOAT_STATE;
    }

    /** Every case: NaNs, infinities, zeros, denormals, directed rounding, tiny or huge results. */
    @TruffleBoundary
    private static long general(int operation, X86FloatFormat f, long a, long b, int mxcsr, X86FpuState fpu) {
        if (operation == SQRT) {
            return squareRoot(f, b, mxcsr, fpu);
        }
        if (operation == MIN || operation == MAX) {
            return minMax(operation == MIN, f, a, b, mxcsr, fpu);
        }
        boolean nanA = f.isNaN(a);
        boolean nanB = f.isNaN(b);
        if (nanA || nanB) {
            if (f.isSignalingNaN(a) || f.isSignalingNaN(b)) {
                fpu.raiseSimdExceptions(IE);
            }
            return nanA ? f.quiet(a) : f.quiet(b);
        }
        boolean infA = f.isInfinite(a);
        boolean infB = f.isInfinite(b);
        if (isInvalid(operation, f, flushDenormal(f, a, mxcsr), flushDenormal(f, b, mxcsr), infA, infB)) {
            fpu.raiseSimdExceptions(IE);
            return f.defaultNaN;
        }
        boolean negative = f.isNegative(a) != f.isNegative(b);
        if (operation == DIV && !infA && f.isZero(flushDenormal(f, b, mxcsr)) && !f.isZero(flushDenormal(f, a, mxcsr))) {
            fpu.raiseSimdExceptions(ZE); // a denormal dividend does not report DE here
            return f.infinity(negative);
        }
        a = operand(f, a, mxcsr, fpu);
        b = operand(f, b, mxcsr, fpu);
        if (infA || infB) {
            switch (operation) {
                case ADD:
                    return infA ? a : b;
                case SUB:
                    return infA ? a : b ^ f.signBit;
                case MUL:
                    return f.infinity(negative);
                default:
                    return infA ? f.infinity(negative) : f.zero(negative);
            }
        }
        if (f.isZero(a) || f.isZero(b)) {
            long exact = zeroOperand(operation, f, a, b, mxcsr);
            if (exact != SLOW) {
                return exact;
            }
        }
        if (X86SseRounding.roundingMode(mxcsr) == X86SseRounding.ROUND_NEAREST) {
            long fast = f == X86FloatFormat.SINGLE ? fastSingle(operation, a, b, fpu) : fastDouble(operation, a, b, fpu);
            if (fast != SLOW) {
                return fast;
            }
        }
        return X86SseRounding.arithmetic(operation, f, a, b, mxcsr, fpu);
    }

    private static boolean isInvalid(int operation, X86FloatFormat f, long a, long b, boolean infA, boolean infB) {
        switch (operation) {
            case ADD:
                return infA && infB && f.isNegative(a) != f.isNegative(b);
            case SUB:
                return infA && infB && f.isNegative(a) == f.isNegative(b);
            case MUL:
                return infA && f.isZero(b) || infB && f.isZero(a);
            default:
                return infA && infB || f.isZero(a) && f.isZero(b);
        }
    }

    /**
     * The exact result when an operand is zero (never both zero for DIV, handled before): a signed
     * zero for MUL and DIV, the other operand for ADD and SUB (SLOW when it is a denormal: the
     * result is tiny, which FTZ and an unmasked underflow care about).
     */
    private static long zeroOperand(int operation, X86FloatFormat f, long a, long b, int mxcsr) {
        boolean negative = f.isNegative(a) != f.isNegative(b);
        if (operation == MUL || operation == DIV) {
            return f.zero(negative);
        }
        long addend = operation == SUB ? b ^ f.signBit : b;
        if (f.isZero(a) && f.isZero(addend)) {
            boolean negativeA = f.isNegative(a);
            boolean sameSign = negativeA == f.isNegative(addend);
            return f.zero(sameSign ? negativeA : X86SseRounding.roundingMode(mxcsr) == X86SseRounding.ROUND_DOWN);
        }
        long result = f.isZero(a) ? addend : a;
        return f.isDenormal(result) ? SLOW : result;
    }

    /** A result no fast path can vouch for (never a value a fast path returns: it is a NaN). */
    static final long SLOW = -1L;

    private static long fastSingle(int operation, long a, long b, X86FpuState fpu) {
        double x = Float.intBitsToFloat((int) a);
        double y = Float.intBitsToFloat((int) b);
        double d;
        boolean exact;
        switch (operation) {
            case ADD, SUB -> {
                double yy = operation == ADD ? y : -y;
                d = x + yy;
                double virtualY = d - x;
                exact = (x - (d - virtualY)) + (yy - virtualY) == 0;
            }
            case MUL -> {
                d = x * y;
                exact = true;
            }
            default -> {
                d = x / y;
                exact = Math.fma(d, y, -x) == 0;
            }
        }
        float r = (float) d;
        if (!(Math.abs(r) > Float.MIN_NORMAL) || Float.isInfinite(r)) {
            if (r == 0 && exact && (operation == ADD || operation == SUB) && d == 0) {
                return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL; // exact cancellation or zero operands
            }
            return SLOW;
        }
        if (!exact || r != d) {
            fpu.raiseSimdExceptions(PE);
        }
        return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
    }

    private static long fastDouble(int operation, long a, long b, X86FpuState fpu) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        double r;
        boolean exact;
        switch (operation) {
            case ADD, SUB -> {
                double yy = operation == ADD ? y : -y;
                r = x + yy;
                double virtualY = r - x;
                exact = (x - (r - virtualY)) + (yy - virtualY) == 0;
                if (r == 0 && exact) {
                    return Double.doubleToRawLongBits(r);
                }
            }
            case MUL -> {
                r = x * y;
                if (Math.getExponent(r) < -960) {
                    return SLOW;
                }
                exact = Math.fma(x, y, -r) == 0;
            }
            default -> {
                r = x / y;
                if (Math.getExponent(r) < -960 || Math.getExponent(x) < -960) {
                    return SLOW;
                }
                exact = Math.fma(r, y, -x) == 0;
            }
        }
        if (!(Math.abs(r) > Double.MIN_NORMAL) || Double.isInfinite(r)) {
            return SLOW;
        }
        if (!exact) {
            fpu.raiseSimdExceptions(PE);
        }
        return Double.doubleToRawLongBits(r);
    }

    private static long squareRoot(X86FloatFormat f, long b, int mxcsr, X86FpuState fpu) {
        if (f.isNaN(b)) {
            if (f.isSignalingNaN(b)) {
                fpu.raiseSimdExceptions(IE);
            }
            return f.quiet(b);
        }
        if (f.isNegative(b) && !f.isZero(b) && !(f.isDenormal(b) && (mxcsr & DENORMALS_ARE_ZERO) != 0)) {
            fpu.raiseSimdExceptions(IE);
            return f.defaultNaN;
        }
        b = operand(f, b, mxcsr, fpu);
        if (f.isZero(b) || f.isInfinite(b)) {
            return b;
        }
        if (X86SseRounding.roundingMode(mxcsr) == X86SseRounding.ROUND_NEAREST) {
            long fast = fastSquareRoot(f, b, fpu);
            if (fast != SLOW) {
                return fast;
            }
        }
        return X86SseRounding.arithmetic(SQRT, f, b, b, mxcsr, fpu);
    }

    /** The square root of a positive finite value, rounded to nearest, or SLOW. */
    private static long fastSquareRoot(X86FloatFormat f, long b, X86FpuState fpu) {
        double y = f.toDouble(b);
        double s = Math.sqrt(y);
        if (f == X86FloatFormat.SINGLE) {
            float r = (float) s;
            if (Math.abs(r) > Float.MIN_NORMAL) {
                if (Math.fma(s, s, -y) != 0 || r != s) {
                    fpu.raiseSimdExceptions(PE);
                }
                return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
            }
        } else if (Math.getExponent(y) >= -960) {
            if (Math.fma(s, s, -y) != 0) {
                fpu.raiseSimdExceptions(PE);
            }
            return Double.doubleToRawLongBits(s);
        }
        return SLOW;
    }

    /**
     * MIN and MAX: the second operand when either is a NaN (IE for any NaN) or both are zeros;
     * else the smaller (larger) one.
     */
    private static long minMax(boolean min, X86FloatFormat f, long a, long b, int mxcsr, X86FpuState fpu) {
        if (f.isNaN(a) || f.isNaN(b)) {
            fpu.raiseSimdExceptions(IE);
            return flushDenormal(f, b, mxcsr);
        }
        long x = operand(f, a, mxcsr, fpu);
        long y = operand(f, b, mxcsr, fpu);
        if (f.isZero(x) && f.isZero(y)) {
            return y;
        }
        double dx = f.toDouble(x);
        double dy = f.toDouble(y);
        if (min) {
            return dx < dy ? x : y;
        }
        return dx > dy ? x : y;
    }

    /**
     * CMPPS/CMPPD/CMPSS/CMPSD predicate 0-7 (EQ, LT, LE, UNORD, NEQ, NLT, NLE, ORD). The signaling
     * predicates LT, LE, NLT, NLE raise IE on any NaN; the others only on a signaling NaN.
     */
    public static boolean compare(int predicate, X86FloatFormat f, long a, long b, int mxcsr, X86FpuState fpu) {
        if (f.isNormalOrZero(a) && f.isNormalOrZero(b)) {
            return ordered(predicate, f.toDouble(a), f.toDouble(b));
        }
        return generalCompare(predicate, f, a, b, mxcsr, fpu);
    }

    /** An ordered comparison of two numbers (no NaN) by predicate 0-7. */
    static boolean ordered(int predicate, double x, double y) {
        return switch (predicate & 7) {
            case 0 -> x == y;
            case 1 -> x < y;
            case 2 -> x <= y;
            case 3 -> false;
            case 4 -> x != y;
            case 5 -> !(x < y);
            case 6 -> !(x <= y);
            default -> true;
        };
    }

    @TruffleBoundary
    private static boolean generalCompare(int predicate, X86FloatFormat f, long a, long b, int mxcsr, X86FpuState fpu) {
        boolean unordered = f.isNaN(a) || f.isNaN(b);
        int p = predicate & 7;
        if (unordered) {
            boolean signaling = p == 1 || p == 2 || p == 5 || p == 6;
            if (signaling || f.isSignalingNaN(a) || f.isSignalingNaN(b)) {
                fpu.raiseSimdExceptions(IE);
            }
        } else {
            a = operand(f, a, mxcsr, fpu);
            b = operand(f, b, mxcsr, fpu);
        }
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        return switch (p) {
            case 0 -> !unordered && x == y;
            case 1 -> !unordered && x < y;
            case 2 -> !unordered && x <= y;
            case 3 -> unordered;
            case 4 -> unordered || x != y;
            case 5 -> unordered || !(x < y);
            case 6 -> unordered || !(x <= y);
            default -> !unordered;
        };
    }

    /** Commits the flags detected by the instruction, or raises #XM with MXCSR's flags updated but no result written. */
    public static void commit(X86FpuState fpu) {
        if (X86Likelihood.likely(!fpu.hasSimdExceptions())) {
            return;
        }
        int flags = fpu.takeSimdExceptions();
        int mxcsr = fpu.mxcsr();
        int unmasked = flags & ~(mxcsr >>> 7) & 0x3F;
        if (unmasked != 0) {
            int pre = flags & (IE | DE | ZE);
            int reported = (pre & ~(mxcsr >>> 7)) != 0 ? pre : flags;
            fpu.setMxcsr(mxcsr | reported);
            throw X86SseExceptions.simdFault();
        }
        fpu.setMxcsr(mxcsr | flags);
    }
}

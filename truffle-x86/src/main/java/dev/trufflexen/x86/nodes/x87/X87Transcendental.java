package dev.trufflexen.x86.nodes.x87;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X87Extended;

/**
 * F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS. Each result is computed in decimal
 * arithmetic with about 230 bits (series for expm1, atanh, sin, cos and atan on reduced
 * arguments, pi by Machin's formula), then rounded once to 64 bits under the rounding mode, so
 * results are correctly rounded (hardware is only guaranteed within an ulp). FSIN, FCOS,
 * FSINCOS and FPTAN reduce their argument by multiples of pi/2 using pi rounded to 66 bits, as
 * the hardware does, so large arguments give the hardware's results rather than exact ones. Arguments of magnitude 2^63
 * or more leave FSIN/FCOS/FSINCOS/FPTAN incomplete (C2 set, ST(0) unchanged).
 */
final class X87Transcendental {
    private static final MathContext MC = new MathContext(70, RoundingMode.HALF_EVEN);
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final BigDecimal PI = computePi();
    private static final BigDecimal HALF_PI = PI.divide(TWO, MC);
    private static final BigDecimal LN2 = atanh(BigDecimal.ONE.divide(BigDecimal.valueOf(3), MC)).multiply(TWO, MC);

    private X87Transcendental() {
    }

    @TruffleBoundary
    static void execute(X86FpuState fpu, int operation) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        switch (operation) {
            case X87RegisterNode.F2XM1 -> unaryInPlace(fpu, x, operation);
            case X87RegisterNode.FSIN, X87RegisterNode.FCOS -> unaryInPlace(fpu, x, operation);
            case X87RegisterNode.FPTAN, X87RegisterNode.FSINCOS -> twoResults(fpu, x, operation);
            default -> binaryPop(fpu, x, operation);
        }
    }

    private static boolean trig(int operation) {
        return operation != X87RegisterNode.F2XM1;
    }

    private static void unaryInPlace(X86FpuState fpu, X87Extended x, int operation) {
        int clear = X87Stack.C1 | (trig(operation) ? X87Stack.C2 : 0);
        if (X87Stack.isEmpty(fpu, 0)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, clear);
            return;
        }
        long s = X87Stack.sig(fpu, 0);
        int e = X87Stack.se(fpu, 0);
        int c = X87Extended.classify(s, e);
        if (trig(operation) && outOfRange(s, e, c)) {
            X87Stack.finish(fpu, x, clear);
            fpu.setStatusWord(fpu.statusWord() | X87Stack.C2);
            return;
        }
        boolean delivered;
        if (c == X87Extended.UNSUPPORTED) {
            delivered = x.invalid();
        } else if (X87Extended.isNan(c)) {
            delivered = x.nan1(s, e, c);
        } else if (c == X87Extended.INFINITY) {
            if (operation == X87RegisterNode.F2XM1) {
                boolean negative = (e & 0x8000) != 0;
                x.sig = X87Extended.INTEGER_BIT;
                x.se = negative ? 0xBFFF : 0x7FFF;
                delivered = true;
            } else {
                delivered = x.invalid();
            }
        } else if (c == X87Extended.ZERO) {
            x.sig = operation == X87RegisterNode.FCOS ? X87Extended.INTEGER_BIT : s;
            x.se = operation == X87RegisterNode.FCOS ? 0x3FFF : e;
            delivered = true;
        } else if (c == X87Extended.DENORMAL && !signalDenormal(x)) {
            delivered = false;
        } else {
            BigDecimal v = toBig(s, e);
            BigDecimal r = switch (operation) {
                case X87RegisterNode.F2XM1 -> twoToTheXMinusOne(v);
                case X87RegisterNode.FSIN -> sin(v);
                default -> cos(v);
            };
            fromBig(x, r);
            delivered = true;
        }
        if (delivered) {
            X87Stack.write(fpu, 0, x.sig, x.se);
        }
        X87Stack.finish(fpu, x, clear);
    }

    private static boolean signalDenormal(X87Extended x) {
        x.flags |= X87Extended.DE;
        return x.masked(X87Extended.DE);
    }

    private static boolean outOfRange(long s, int e, int c) {
        return (c == X87Extended.NORMAL || c == X87Extended.DENORMAL) && (e & 0x7FFF) >= X87Extended.BIAS + 63;
    }

    /** FPTAN (tan, then 1.0 pushed) and FSINCOS (sin in ST(1), cos in ST(0)). */
    private static void twoResults(X86FpuState fpu, X87Extended x, int operation) {
        int clear = X87Stack.C1 | X87Stack.C2;
        if (X87Stack.isEmpty(fpu, 0)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
                X87Stack.push(fpu, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, clear);
            return;
        }
        if (!X87Stack.isEmpty(fpu, 7)) {
            if (X87Stack.overflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
                X87Stack.push(fpu, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, clear);
            return;
        }
        long s = X87Stack.sig(fpu, 0);
        int e = X87Stack.se(fpu, 0);
        int c = X87Extended.classify(s, e);
        if (outOfRange(s, e, c)) {
            X87Stack.finish(fpu, x, clear);
            fpu.setStatusWord(fpu.statusWord() | X87Stack.C2);
            return;
        }
        long firstSig;
        int firstSe;
        long secondSig;
        int secondSe;
        if (c == X87Extended.UNSUPPORTED || X87Extended.isNan(c) || c == X87Extended.INFINITY) {
            boolean ok = X87Extended.isNan(c) ? x.nan1(s, e, c) : x.invalid();
            if (!ok) {
                X87Stack.finish(fpu, x, clear);
                return;
            }
            firstSig = secondSig = x.sig;
            firstSe = secondSe = x.se;
        } else if (c == X87Extended.ZERO) {
            firstSig = s;
            firstSe = e;
            secondSig = X87Extended.INTEGER_BIT;
            secondSe = 0x3FFF;
        } else {
            if (c == X87Extended.DENORMAL && !signalDenormal(x)) {
                X87Stack.finish(fpu, x, clear);
                return;
            }
            BigDecimal v = toBig(s, e);
            if (operation == X87RegisterNode.FPTAN) {
                fromBig(x, tan(v));
                firstSig = x.sig;
                firstSe = x.se;
                secondSig = X87Extended.INTEGER_BIT;
                secondSe = 0x3FFF;
            } else {
                fromBig(x, sin(v));
                firstSig = x.sig;
                firstSe = x.se;
                fromBig(x, cos(v));
                secondSig = x.sig;
                secondSe = x.se;
            }
        }
        X87Stack.write(fpu, 0, firstSig, firstSe);
        X87Stack.push(fpu, secondSig, secondSe);
        X87Stack.finish(fpu, x, clear);
    }

    /** FYL2X, FYL2XP1, FPATAN: the result replaces ST(1), then ST(0) is popped. */
    private static void binaryPop(X86FpuState fpu, X87Extended x, int operation) {
        if (X87Stack.isEmpty(fpu, 0) || X87Stack.isEmpty(fpu, 1)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 1, x.sig, x.se);
                X87Stack.pop(fpu);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        long s0 = X87Stack.sig(fpu, 0);
        int e0 = X87Stack.se(fpu, 0);
        long s1 = X87Stack.sig(fpu, 1);
        int e1 = X87Stack.se(fpu, 1);
        if (binaryResult(x, operation, s0, e0, s1, e1)) {
            X87Stack.write(fpu, 1, x.sig, x.se);
            X87Stack.pop(fpu);
        }
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    private static boolean binaryResult(X87Extended x, int operation, long s0, int e0, long s1, int e1) {
        int c0 = X87Extended.classify(s0, e0);
        int c1 = X87Extended.classify(s1, e1);
        if (c0 == X87Extended.UNSUPPORTED || c1 == X87Extended.UNSUPPORTED) {
            return x.invalid();
        }
        if (X87Extended.isNan(c0) || X87Extended.isNan(c1)) {
            return x.nan2(s0, e0, c0, s1, e1, c1);
        }
        boolean n0 = (e0 & 0x8000) != 0;
        boolean n1 = (e1 & 0x8000) != 0;
        if (operation == X87RegisterNode.FYL2X && n0 && c0 != X87Extended.ZERO) {
            return x.invalid(); // the logarithm of a negative number, before any denormal check
        }
        if (operation == X87RegisterNode.FYL2X && c0 == X87Extended.ZERO) {
            if (c1 == X87Extended.ZERO) {
                return x.invalid();
            }
            x.flags |= X87Extended.ZE; // log2(0) = -inf: zero-divide, also before the denormal check
            infinity(x, !n1);
            return x.masked(X87Extended.ZE);
        }
        if ((c0 == X87Extended.DENORMAL || c1 == X87Extended.DENORMAL) && !signalDenormal(x)) {
            return false;
        }
        if (operation == X87RegisterNode.FPATAN) {
            return arcTangent(x, s0, e0, c0, n0, s1, e1, c1, n1);
        }
        // y * log2(x) or y * log2(x + 1): x = ST(0), y = ST(1).
        boolean plusOne = operation == X87RegisterNode.FYL2XP1;
        BigDecimal xv = c0 == X87Extended.INFINITY ? null : toBig(s0, e0);
        BigDecimal arg = xv == null ? null : plusOne ? xv.add(BigDecimal.ONE) : xv;
        if (c0 == X87Extended.INFINITY) {
            if (n0 || c1 == X87Extended.ZERO) {
                return x.invalid();
            }
            return infinity(x, n1);
        }
        if (arg.signum() < 0) {
            return x.invalid();
        }
        if (arg.signum() == 0) {
            if (c1 == X87Extended.ZERO) {
                return x.invalid();
            }
            x.flags |= X87Extended.ZE;
            infinity(x, !n1);
            return x.masked(X87Extended.ZE);
        }
        int cmpOne = arg.compareTo(BigDecimal.ONE);
        if (c1 == X87Extended.INFINITY) {
            if (cmpOne == 0) {
                return x.invalid();
            }
            return infinity(x, n1 != cmpOne < 0);
        }
        if (c1 == X87Extended.ZERO || (plusOne && c0 == X87Extended.ZERO) || cmpOne == 0) {
            boolean logNegative = plusOne ? n0 : false;
            x.sig = 0;
            x.se = (n1 != logNegative) ? 0x8000 : 0;
            if (cmpOne < 0 && c1 == X87Extended.ZERO) {
                x.se = n1 ? 0 : 0x8000;
            }
            return true;
        }
        BigDecimal log2;
        if (plusOne) {
            log2 = log1p(xv).divide(LN2, MC);
        } else {
            log2 = log2(s0, e0);
        }
        fromBig(x, log2.multiply(toBig(s1, e1), MC));
        x.flags |= X87Extended.PE; // the hardware reports PE even when the logarithm is exact (x a power of two)
        return true;
    }

    private static boolean infinity(X87Extended x, boolean negative) {
        x.sig = X87Extended.INTEGER_BIT;
        x.se = negative ? 0xFFFF : 0x7FFF;
        return true;
    }

    private static boolean arcTangent(X87Extended x, long s0, int e0, int c0, boolean n0, long s1, int e1, int c1, boolean n1) {
        // atan2(y = ST(1), x = ST(0)).
        BigDecimal result;
        if (c1 == X87Extended.ZERO) {
            if (!n0) {
                x.sig = 0;
                x.se = n1 ? 0x8000 : 0;
                return true;
            }
            result = PI;
        } else if (c0 == X87Extended.ZERO) {
            result = HALF_PI;
        } else if (c1 == X87Extended.INFINITY) {
            if (c0 == X87Extended.INFINITY) {
                result = n0 ? PI.multiply(BigDecimal.valueOf(3), MC).divide(BigDecimal.valueOf(4), MC) : PI.divide(BigDecimal.valueOf(4), MC);
            } else {
                result = HALF_PI;
            }
        } else if (c0 == X87Extended.INFINITY) {
            if (!n0) {
                x.sig = 0;
                x.se = n1 ? 0x8000 : 0;
                return true;
            }
            result = PI;
        } else {
            BigDecimal y = toBig(s1, e1).abs();
            BigDecimal xv = toBig(s0, e0);
            BigDecimal angle = atan(y.divide(xv.abs(), MC));
            result = n0 ? PI.subtract(angle, MC) : angle;
        }
        fromBig(x, n1 ? result.negate() : result);
        return true;
    }

    // Conversions.

    static BigDecimal toBig(long s, int e) {
        int biased = e & 0x7FFF;
        int power = (biased == 0 ? 1 : biased) - X87Extended.BIAS - 63;
        BigInteger m = unsigned(s);
        BigDecimal v;
        if (power >= 0) {
            v = new BigDecimal(m.shiftLeft(power));
        } else {
            v = new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-power)), -power);
        }
        return (e & 0x8000) != 0 ? v.negate() : v;
    }

    /** Rounds a (nearly exact) decimal value to the extended format under the rounding mode. */
    static void fromBig(X87Extended x, BigDecimal value) {
        boolean negative = value.signum() < 0;
        BigDecimal a = value.abs();
        if (a.signum() == 0) {
            x.sig = 0;
            x.se = negative ? 0x8000 : 0;
            return;
        }
        BigInteger unscaled = a.unscaledValue();
        int scale = a.scale();
        // a = unscaled * 10^-scale; estimate floor(log2 a).
        int estimate = (int) Math.floor(unscaled.bitLength() - 1 - scale * 3.321928094887362);
        for (int attempt = 0; attempt < 4; attempt++) {
            int shift = 127 - estimate;
            BigInteger numerator = unscaled;
            BigInteger denominator = BigInteger.ONE;
            if (scale > 0) {
                denominator = BigInteger.TEN.pow(scale);
            } else if (scale < 0) {
                numerator = numerator.multiply(BigInteger.TEN.pow(-scale));
            }
            if (shift >= 0) {
                numerator = numerator.shiftLeft(shift);
            } else {
                denominator = denominator.shiftLeft(-shift);
            }
            BigInteger[] qr = numerator.divideAndRemainder(denominator);
            int bits = qr[0].bitLength();
            if (bits > 128) {
                estimate += bits - 128;
                continue;
            }
            if (bits < 128) {
                estimate -= 128 - bits;
                continue;
            }
            long hi = qr[0].shiftRight(64).longValue();
            long lo = qr[0].longValue() | (qr[1].signum() != 0 ? 1 : 0);
            x.round(negative, estimate, hi, lo, 64);
            return;
        }
        throw new IllegalStateException("x87 result conversion did not converge");
    }

    private static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
        return v < 0 ? b.setBit(63) : b;
    }

    // Series.

    private static BigDecimal computePi() {
        BigDecimal a = atanInverse(5).multiply(BigDecimal.valueOf(16));
        BigDecimal b = atanInverse(239).multiply(BigDecimal.valueOf(4));
        return a.subtract(b, MC);
    }

    /** atan(1/n) for an integer n > 1. */
    private static BigDecimal atanInverse(int n) {
        BigDecimal inverse = BigDecimal.ONE.divide(BigDecimal.valueOf(n), MC);
        return atanSeries(inverse);
    }

    private static BigDecimal atanSeries(BigDecimal t) {
        BigDecimal t2 = t.multiply(t, MC);
        BigDecimal term = t;
        BigDecimal sum = t;
        BigDecimal epsilon = BigDecimal.ONE.movePointLeft(MC.getPrecision() + 5).multiply(t.abs().max(BigDecimal.ONE.movePointLeft(400)));
        for (int k = 1; k < 10000; k++) {
            term = term.multiply(t2, MC).negate();
            BigDecimal add = term.divide(BigDecimal.valueOf(2L * k + 1), MC);
            sum = sum.add(add);
            if (add.abs().compareTo(epsilon) < 0) {
                break;
            }
        }
        return sum;
    }

    private static BigDecimal atan(BigDecimal t) {
        // t >= 0. Reduce to t <= 1, then halve the angle twice: atan(t) = 2 atan(t / (1 + sqrt(1 + t^2))).
        boolean inverted = t.compareTo(BigDecimal.ONE) > 0;
        BigDecimal u = inverted ? BigDecimal.ONE.divide(t, MC) : t;
        for (int i = 0; i < 3; i++) {
            u = u.divide(BigDecimal.ONE.add(BigDecimal.ONE.add(u.multiply(u, MC)).sqrt(MC)), MC);
        }
        BigDecimal r = atanSeries(u).multiply(BigDecimal.valueOf(8), MC);
        return inverted ? HALF_PI.subtract(r, MC) : r;
    }

    /** atanh(z) = z + z^3/3 + z^5/5 + ... for |z| < 1. */
    private static BigDecimal atanh(BigDecimal z) {
        BigDecimal z2 = z.multiply(z, MC);
        BigDecimal term = z;
        BigDecimal sum = z;
        BigDecimal epsilon = BigDecimal.ONE.movePointLeft(MC.getPrecision() + 5).multiply(z.abs());
        for (int k = 1; k < 100000; k++) {
            term = term.multiply(z2, MC);
            BigDecimal add = term.divide(BigDecimal.valueOf(2L * k + 1), MC);
            sum = sum.add(add);
            if (add.abs().compareTo(epsilon) < 0) {
                break;
            }
        }
        return sum;
    }

    /** ln(1 + y) = 2 atanh(y / (2 + y)) for small y (relative accuracy near 0); through {@link #ln} otherwise. */
    private static BigDecimal log1p(BigDecimal y) {
        if (y.abs().compareTo(BigDecimal.valueOf(0.5)) > 0) {
            return ln(BigDecimal.ONE.add(y));
        }
        return atanh(y.divide(TWO.add(y), MC)).multiply(TWO, MC);
    }

    /** log2 of a positive finite extended value: its binary exponent plus log2 of a significand in [1, 2). */
    private static BigDecimal log2(long s, int e) {
        int biased = e & 0x7FFF;
        int exp = (biased == 0 ? 1 : biased) - X87Extended.BIAS - Long.numberOfLeadingZeros(s);
        long m = s << Long.numberOfLeadingZeros(s);
        BigDecimal integer = BigDecimal.valueOf(exp);
        if (m == X87Extended.INTEGER_BIT) {
            return integer;
        }
        BigDecimal mantissa = toBig(m, X87Extended.BIAS);
        BigDecimal ln = atanh(mantissa.subtract(BigDecimal.ONE).divide(mantissa.add(BigDecimal.ONE), MC)).multiply(TWO, MC);
        return integer.add(ln.divide(LN2, MC), MC);
    }

    /**
     * 2^v - 1. Inside the documented domain |v| &lt;= 1 exactly rounded (exact at +-1); outside
     * it, where the hardware's result is undefined, only approximated in double precision.
     */
    private static BigDecimal twoToTheXMinusOne(BigDecimal v) {
        int cmp = v.abs().compareTo(BigDecimal.ONE);
        if (cmp == 0) {
            // The hardware's value at +-1 is just below the exact 1 and -0.5 (inexact, rounding by RC).
            return (v.signum() > 0 ? BigDecimal.ONE : BigDecimal.valueOf(-0.5)).subtract(BigDecimal.ONE.movePointLeft(80));
        }
        if (cmp < 0) {
            return expm1(v.multiply(LN2, MC));
        }
        double d = Math.expm1(Math.max(-2000.0, Math.min(2000.0, v.doubleValue())) * Math.log(2.0));
        return Double.isInfinite(d) ? BigDecimal.TEN.pow(20000) : new BigDecimal(d);
    }

    /** ln(a) for a &gt; 0: a = m * 2^e with m in [1, 2), then ln(m) by atanh. */
    private static BigDecimal ln(BigDecimal a) {
        int e = (int) Math.floor((a.unscaledValue().bitLength() - 1) - a.scale() * 3.321928094887362);
        BigDecimal m = scaleByPowerOfTwo(a, -e);
        while (m.compareTo(TWO) >= 0) {
            m = m.divide(TWO);
            e++;
        }
        while (m.compareTo(BigDecimal.ONE) < 0) {
            m = m.multiply(TWO);
            e--;
        }
        m = m.round(MC);
        BigDecimal lnM = atanh(m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC)).multiply(TWO, MC);
        return lnM.add(LN2.multiply(BigDecimal.valueOf(e), MC), MC);
    }

    private static BigDecimal scaleByPowerOfTwo(BigDecimal a, int n) {
        if (n >= 0) {
            return a.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(n)));
        }
        return a.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-n), -n));
    }

    /** e^t - 1 for |t| <= ln 2, by its Taylor series (relative accuracy near 0). */
    private static BigDecimal expm1(BigDecimal t) {
        BigDecimal term = t;
        BigDecimal sum = t;
        BigDecimal epsilon = BigDecimal.ONE.movePointLeft(MC.getPrecision() + 5).multiply(t.abs());
        for (int k = 2; k < 10000; k++) {
            term = term.multiply(t, MC).divide(BigDecimal.valueOf(k), MC);
            sum = sum.add(term);
            if (term.abs().compareTo(epsilon) < 0) {
                break;
            }
        }
        return sum;
    }

    /** Reduces v by multiples of pi/2: returns the quadrant in the low two bits of {@link #quadrant} and the remainder. */
    private static BigDecimal reduce(BigDecimal v, int[] quadrant) {
        MathContext wide = new MathContext(120, RoundingMode.HALF_EVEN);
        BigDecimal halfPi = PI_WIDE.divide(TWO, wide);
        BigDecimal k = v.divide(halfPi, wide).setScale(0, RoundingMode.HALF_EVEN);
        quadrant[0] = k.toBigInteger().intValue() & 3;
        if (k.signum() == 0) {
            return v;
        }
        return v.subtract(k.multiply(halfPi, wide), wide).round(MC);
    }

    /**
     * The hardware's argument-reduction constant: pi truncated to 66 significant bits
     * (0x3.243F6A8885A308D3), exact in decimal. Reducing by it rather than by pi is what makes
     * FSIN/FCOS/FSINCOS/FPTAN of large arguments agree with the hardware.
     */
    private static final BigDecimal PI_WIDE = new BigDecimal(new BigInteger("3243F6A8885A308D3", 16).multiply(BigInteger.valueOf(5).pow(64)), 64);

    private static BigDecimal sinReduced(BigDecimal r) {
        BigDecimal r2 = r.multiply(r, MC);
        BigDecimal term = r;
        BigDecimal sum = r;
        BigDecimal epsilon = BigDecimal.ONE.movePointLeft(MC.getPrecision() + 5).multiply(r.abs());
        for (int k = 1; k < 1000; k++) {
            term = term.multiply(r2, MC).divide(BigDecimal.valueOf((2L * k) * (2L * k + 1)), MC).negate();
            sum = sum.add(term);
            if (term.abs().compareTo(epsilon) < 0) {
                break;
            }
        }
        return sum;
    }

    private static BigDecimal cosReduced(BigDecimal r) {
        BigDecimal r2 = r.multiply(r, MC);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal epsilon = BigDecimal.ONE.movePointLeft(MC.getPrecision() + 5);
        for (int k = 1; k < 1000; k++) {
            term = term.multiply(r2, MC).divide(BigDecimal.valueOf((2L * k - 1) * (2L * k)), MC).negate();
            sum = sum.add(term);
            if (term.abs().compareTo(epsilon) < 0) {
                break;
            }
        }
        return sum;
    }

    /**
     * tan(v); below 2^-32 in magnitude as v + v^3/3 exactly, so the (tiny) distance from v that
     * decides rounding, PE and C1 is not lost in a rounded division.
     */
    private static BigDecimal tan(BigDecimal v) {
        if (v.abs().compareTo(TINY) < 0) {
            return v.add(v.pow(3).divide(BigDecimal.valueOf(3), new MathContext(MC.getPrecision() + 10)));
        }
        return sin(v).divide(cos(v), MC);
    }

    private static final BigDecimal TINY = BigDecimal.ONE.divide(BigDecimal.valueOf(4294967296L));

    private static BigDecimal sin(BigDecimal v) {
        int[] q = new int[1];
        BigDecimal r = reduce(v, q);
        return switch (q[0]) {
            case 0 -> sinReduced(r);
            case 1 -> cosReduced(r);
            case 2 -> sinReduced(r).negate();
            default -> cosReduced(r).negate();
        };
    }

    private static BigDecimal cos(BigDecimal v) {
        int[] q = new int[1];
        BigDecimal r = reduce(v, q);
        return switch (q[0]) {
            case 0 -> cosReduced(r);
            case 1 -> sinReduced(r).negate();
            case 2 -> cosReduced(r).negate();
            default -> sinReduced(r);
        };
    }
}

package dev.trufflexen.x86.nodes.x87;

import java.math.BigInteger;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X87Extended;

/**
 * The x87 instructions that work on the register stack only: FXCH, FCHS, FABS, FXAM, FSQRT,
 * FRNDINT, FSCALE, FXTRACT, FPREM, FPREM1, FDECSTP, FINCSTP, FFREE(P), FCMOVcc.
 */
public final class X87RegisterOperations {
    public static final int FCHS = 0;
    public static final int FABS = 1;
    public static final int FSQRT = 2;
    public static final int FRNDINT = 3;

    private X87RegisterOperations() {
    }

    @TruffleBoundary
    public static void exchange(X86FpuState fpu, int index) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        boolean empty0 = X87Stack.isEmpty(fpu, 0);
        boolean emptyI = X87Stack.isEmpty(fpu, index);
        if (empty0 || emptyI) {
            if (!X87Stack.underflow(x)) {
                X87Stack.finish(fpu, x, X87Stack.C1);
                return;
            }
            if (empty0) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
            if (emptyI) {
                X87Stack.write(fpu, index, x.sig, x.se);
            }
        }
        long s0 = X87Stack.sig(fpu, 0);
        int e0 = X87Stack.se(fpu, 0);
        X87Stack.write(fpu, 0, X87Stack.sig(fpu, index), X87Stack.se(fpu, index));
        X87Stack.write(fpu, index, s0, e0);
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    /** FCHS, FABS, FSQRT, FRNDINT on ST(0). */
    @TruffleBoundary
    public static void unary(X86FpuState fpu, int operation) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (X87Stack.isEmpty(fpu, 0)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        long s = X87Stack.sig(fpu, 0);
        int e = X87Stack.se(fpu, 0);
        boolean delivered = true;
        switch (operation) {
            case FCHS -> {
                x.sig = s;
                x.se = e ^ 0x8000;
            }
            case FABS -> {
                x.sig = s;
                x.se = e & 0x7FFF;
            }
            case FSQRT -> delivered = x.squareRoot(s, e);
            default -> delivered = roundToIntegral(x, s, e);
        }
        if (delivered) {
            X87Stack.write(fpu, 0, x.sig, x.se);
        }
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    private static boolean roundToIntegral(X87Extended x, long s, int e) {
        int c = X87Extended.classify(s, e);
        switch (c) {
            case X87Extended.UNSUPPORTED:
                return x.invalid();
            case X87Extended.QNAN:
            case X87Extended.SNAN:
                return x.nan1(s, e, c);
            case X87Extended.ZERO:
            case X87Extended.INFINITY:
                x.sig = s;
                x.se = e;
                return true;
            default:
                break;
        }
        if (c == X87Extended.DENORMAL) {
            x.flags |= X87Extended.DE;
            if (!x.masked(X87Extended.DE)) {
                return false;
            }
        }
        int biased = e & 0x7FFF;
        int exp = (biased == 0 ? 1 : biased) - X87Extended.BIAS - Long.numberOfLeadingZeros(s);
        x.roundToIntegral((e & 0x8000) != 0, exp, s << Long.numberOfLeadingZeros(s));
        return true;
    }

    /** FXAM: the class of ST(0) in C3, C2, C0 and its sign in C1. */
    @TruffleBoundary
    public static void examine(X86FpuState fpu) {
        int p = X87Stack.physical(fpu, 0);
        long s = fpu.significand(p);
        int e = fpu.signExponent(p);
        int codes;
        if (fpu.tag(p) == X86FpuState.TAG_EMPTY) {
            codes = X87Stack.C3 | X87Stack.C0;
        } else {
            codes = switch (X87Extended.classify(s, e)) {
                case X87Extended.UNSUPPORTED -> 0;
                case X87Extended.QNAN, X87Extended.SNAN -> X87Stack.C0;
                case X87Extended.NORMAL -> X87Stack.C2;
                case X87Extended.INFINITY -> X87Stack.C2 | X87Stack.C0;
                case X87Extended.ZERO -> X87Stack.C3;
                default -> X87Stack.C3 | X87Stack.C2;
            };
        }
        if ((e & 0x8000) != 0) {
            codes |= X87Stack.C1;
        }
        fpu.setStatusWord(fpu.statusWord() & ~X87Stack.CONDITION_CODES | codes);
    }

    @TruffleBoundary
    public static void changeTop(X86FpuState fpu, int delta) {
        fpu.setTop(fpu.top() + delta);
        fpu.setStatusWord(fpu.statusWord() & ~X87Stack.C1);
    }

    @TruffleBoundary
    public static void free(X86FpuState fpu, int index, boolean pop) {
        fpu.setTag(X87Stack.physical(fpu, index), X86FpuState.TAG_EMPTY);
        if (pop) {
            X87Stack.pop(fpu);
        }
        fpu.setStatusWord(fpu.statusWord() & ~X87Stack.C1);
    }

    /** FCMOVcc: ST(0) = ST(i) when the condition holds. */
    @TruffleBoundary
    public static void conditionalMove(X86FpuState fpu, int index, boolean condition) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (X87Stack.isEmpty(fpu, 0) || X87Stack.isEmpty(fpu, index)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
        } else if (condition) {
            X87Stack.write(fpu, 0, X87Stack.sig(fpu, index), X87Stack.se(fpu, index));
        }
        X87Stack.finish(fpu, x, x.flags != 0 ? X87Stack.C1 : 0);
    }

    /** FSCALE: ST(0) * 2^trunc(ST(1)). */
    @TruffleBoundary
    public static void scale(X86FpuState fpu) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (X87Stack.isEmpty(fpu, 0) || X87Stack.isEmpty(fpu, 1)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        long s0 = X87Stack.sig(fpu, 0);
        int e0 = X87Stack.se(fpu, 0);
        long s1 = X87Stack.sig(fpu, 1);
        int e1 = X87Stack.se(fpu, 1);
        if (scaleResult(x, s0, e0, s1, e1)) {
            X87Stack.write(fpu, 0, x.sig, x.se);
        }
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    private static boolean scaleResult(X87Extended x, long s0, int e0, long s1, int e1) {
        int c0 = X87Extended.classify(s0, e0);
        int c1 = X87Extended.classify(s1, e1);
        if (c0 == X87Extended.UNSUPPORTED || c1 == X87Extended.UNSUPPORTED) {
            return x.invalid();
        }
        if (X87Extended.isNan(c0) || X87Extended.isNan(c1)) {
            return x.nan2(s0, e0, c0, s1, e1, c1);
        }
        boolean negativeScale = (e1 & 0x8000) != 0;
        if ((c0 == X87Extended.DENORMAL || c1 == X87Extended.DENORMAL)) {
            x.flags |= X87Extended.DE;
            if (!x.masked(X87Extended.DE)) {
                return false;
            }
        }
        if (c1 == X87Extended.INFINITY) {
            if (c0 == X87Extended.ZERO && !negativeScale || c0 == X87Extended.INFINITY && negativeScale) {
                return x.invalid();
            }
            x.sig = c0 == X87Extended.ZERO || negativeScale ? 0 : X87Extended.INTEGER_BIT;
            x.se = (e0 & 0x8000) | (c0 == X87Extended.ZERO || negativeScale ? 0 : 0x7FFF);
            if (c0 == X87Extended.INFINITY) {
                x.sig = X87Extended.INTEGER_BIT;
                x.se = e0;
            }
            return true;
        }
        if (c0 == X87Extended.ZERO || c0 == X87Extended.INFINITY) {
            x.sig = s0;
            x.se = e0;
            return true;
        }
        int biased1 = e1 & 0x7FFF;
        int exp1 = (biased1 == 0 ? 1 : biased1) - X87Extended.BIAS - Long.numberOfLeadingZeros(s1);
        long n;
        if (c1 == X87Extended.ZERO || exp1 < 0) {
            n = 0;
        } else if (exp1 >= 20) {
            n = 1 << 20;
        } else {
            n = (s1 << Long.numberOfLeadingZeros(s1)) >>> (63 - exp1);
        }
        if (negativeScale) {
            n = -n;
        }
        int biased0 = e0 & 0x7FFF;
        int exp0 = (biased0 == 0 ? 1 : biased0) - X87Extended.BIAS - Long.numberOfLeadingZeros(s0);
        x.round((e0 & 0x8000) != 0, (int) (exp0 + n), s0 << Long.numberOfLeadingZeros(s0), 0, 64);
        return true;
    }

    /** FXTRACT: ST(0) becomes its exponent and the significand (exponent 0) is pushed. */
    @TruffleBoundary
    public static void extract(X86FpuState fpu) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (X87Stack.isEmpty(fpu, 0)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
                X87Stack.push(fpu, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        if (!X87Stack.isEmpty(fpu, 7)) {
            if (X87Stack.overflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
                X87Stack.push(fpu, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        long s = X87Stack.sig(fpu, 0);
        int e = X87Stack.se(fpu, 0);
        int c = X87Extended.classify(s, e);
        long expSig;
        int expSe;
        long sigSig;
        int sigSe;
        switch (c) {
            case X87Extended.UNSUPPORTED:
            case X87Extended.QNAN:
            case X87Extended.SNAN:
                if (c == X87Extended.UNSUPPORTED ? !x.invalid() : !x.nan1(s, e, c)) {
                    X87Stack.finish(fpu, x, X87Stack.C1);
                    return;
                }
                expSig = sigSig = x.sig;
                expSe = sigSe = x.se;
                break;
            case X87Extended.ZERO:
                x.flags |= X87Extended.ZE;
                if (!x.masked(X87Extended.ZE)) {
                    X87Stack.finish(fpu, x, X87Stack.C1);
                    return;
                }
                expSig = X87Extended.INTEGER_BIT;
                expSe = 0xFFFF;
                sigSig = s;
                sigSe = e;
                break;
            case X87Extended.INFINITY:
                expSig = X87Extended.INTEGER_BIT;
                expSe = 0x7FFF;
                sigSig = s;
                sigSe = e;
                break;
            default:
                if (c == X87Extended.DENORMAL) {
                    x.flags |= X87Extended.DE;
                    if (!x.masked(X87Extended.DE)) {
                        X87Stack.finish(fpu, x, X87Stack.C1);
                        return;
                    }
                }
                int biased = e & 0x7FFF;
                int exp = (biased == 0 ? 1 : biased) - X87Extended.BIAS - Long.numberOfLeadingZeros(s);
                x.fromInteger(exp < 0, Math.abs(exp));
                expSig = x.sig;
                expSe = x.se;
                sigSig = s << Long.numberOfLeadingZeros(s);
                sigSe = (e & 0x8000) | X87Extended.BIAS;
                break;
        }
        X87Stack.write(fpu, 0, expSig, expSe);
        X87Stack.push(fpu, sigSig, sigSe);
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    /** FPREM (truncating quotient) and FPREM1 (IEEE, nearest quotient): partial remainder of ST(0) by ST(1). */
    @TruffleBoundary
    public static void remainder(X86FpuState fpu, boolean ieee) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        int clear = X87Stack.CONDITION_CODES;
        if (X87Stack.isEmpty(fpu, 0) || X87Stack.isEmpty(fpu, 1)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1 | X87Stack.C2);
            return;
        }
        long s0 = X87Stack.sig(fpu, 0);
        int e0 = X87Stack.se(fpu, 0);
        long s1 = X87Stack.sig(fpu, 1);
        int e1 = X87Stack.se(fpu, 1);
        int c0 = X87Extended.classify(s0, e0);
        int c1 = X87Extended.classify(s1, e1);
        if (c0 == X87Extended.UNSUPPORTED || c1 == X87Extended.UNSUPPORTED
                || c0 == X87Extended.INFINITY && !X87Extended.isNan(c1)
                || c1 == X87Extended.ZERO && !X87Extended.isNan(c0)) {
            if (x.invalid()) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1 | X87Stack.C2);
            return;
        }
        if (X87Extended.isNan(c0) || X87Extended.isNan(c1)) {
            if (x.nan2(s0, e0, c0, s1, e1, c1)) {
                X87Stack.write(fpu, 0, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1 | X87Stack.C2);
            return;
        }
        if (c0 == X87Extended.DENORMAL || c1 == X87Extended.DENORMAL) {
            x.flags |= X87Extended.DE;
            if (!x.masked(X87Extended.DE)) {
                X87Stack.finish(fpu, x, X87Stack.C1 | X87Stack.C2);
                return;
            }
        }
        if (c0 == X87Extended.ZERO || c1 == X87Extended.INFINITY) {
            if (X87Extended.isPseudoDenormal(s0, e0)) {
                // ST(0) is the result, as the FPU holds its operand: a pseudo-denormal in canonical
                // form, the same value with biased exponent 1 (as the host CPU writes it back).
                X87Stack.write(fpu, 0, s0, e0 | 1);
            }
            X87Stack.finish(fpu, x, clear);
            return;
        }
        boolean sign = (e0 & 0x8000) != 0;
        int biased0 = e0 & 0x7FFF;
        int exp0 = (biased0 == 0 ? 1 : biased0) - X87Extended.BIAS - Long.numberOfLeadingZeros(s0);
        int biased1 = e1 & 0x7FFF;
        int exp1 = (biased1 == 0 ? 1 : biased1) - X87Extended.BIAS - Long.numberOfLeadingZeros(s1);
        long m0 = s0 << Long.numberOfLeadingZeros(s0);
        long m1 = s1 << Long.numberOfLeadingZeros(s1);
        int d = exp0 - exp1;
        BigInteger divisor = unsigned(m1);
        BigInteger dividend;
        int unitExp;
        boolean partial = d >= 64;
        if (partial) {
            int n = 32 + (d & 31);
            dividend = unsigned(m0).shiftLeft(n);
            unitExp = exp0 - 63 - n;
        } else if (d >= 0) {
            dividend = unsigned(m0).shiftLeft(d);
            unitExp = exp1 - 63;
        } else {
            dividend = unsigned(m0);
            divisor = divisor.shiftLeft(-d);
            unitExp = exp0 - 63;
        }
        BigInteger[] qr = dividend.divideAndRemainder(divisor);
        BigInteger q = qr[0];
        BigInteger r = qr[1];
        boolean negate = false;
        if (ieee && !partial) {
            int cmp = r.shiftLeft(1).compareTo(divisor);
            if (cmp > 0 || cmp == 0 && q.testBit(0)) {
                q = q.add(BigInteger.ONE);
                r = divisor.subtract(r);
                negate = true;
            }
        }
        boolean resultSign = sign != negate;
        if (r.signum() == 0) {
            x.sig = 0;
            x.se = sign ? 0x8000 : 0;
        } else {
            int bits = r.bitLength();
            long sig = r.shiftLeft(64 - bits).longValue();
            x.round(resultSign, unitExp + bits - 1, sig, 0, 64);
        }
        X87Stack.write(fpu, 0, x.sig, x.se);
        int codes = 0;
        if (partial) {
            codes = X87Stack.C2;
        } else {
            int low = q.intValue() & 7;
            codes |= (low & 4) != 0 ? X87Stack.C0 : 0;
            codes |= (low & 2) != 0 ? X87Stack.C3 : 0;
            codes |= (low & 1) != 0 ? X87Stack.C1 : 0;
        }
        x.flags &= ~X87Extended.ROUNDED_UP;
        X87Stack.finish(fpu, x, clear);
        fpu.setStatusWord(fpu.statusWord() | codes);
    }

    private static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
        return v < 0 ? b.setBit(63) : b;
    }
}

package dev.trufflexen.x86.nodes.x87;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X87Extended;

/**
 * The semantics of the x87 arithmetic, compare, load and store instructions on the FPU state,
 * behind {@link TruffleBoundary}: the soft-float work is long and x87 code is rare in guests.
 * Nodes read memory operands before calling in and write memory results between
 * {@link #storeValue} and {@link #commitStore}, so a fault leaves the FPU unchanged.
 */
public final class X87Operations {
    /** Source operand kinds. */
    public static final int ST = 0;
    public static final int M32 = 1;
    public static final int M64 = 2;
    public static final int I16 = 3;
    public static final int I32 = 4;
    public static final int M80 = 5;
    public static final int I64 = 6;
    public static final int BCD = 7;
    /** Store kinds beyond the above. */
    public static final int I16_TRUNCATE = 8;
    public static final int I32_TRUNCATE = 9;
    public static final int I64_TRUNCATE = 10;

    public static final int ADD = 0;
    public static final int MUL = 1;
    public static final int SUB = 4;
    public static final int SUBR = 5;
    public static final int DIV = 6;
    public static final int DIVR = 7;

    /** Compare outcomes. */
    public static final int NO_RESULT = -1;
    public static final int GREATER = 0;
    public static final int LESS = 1;
    public static final int EQUAL = 2;
    public static final int UNORDERED = 3;

    private X87Operations() {
    }

    /**
     * Loads a memory or integer source into x.sig/x.se. False when the conversion raised an
     * unmasked exception (denormal), so the instruction stops.
     */
    static boolean loadSource(X87Extended x, int kind, long raw, int rawHigh) {
        return loadSource(x, kind, raw, rawHigh, false);
    }

    /**
     * With {@code deferDenormal}, a denormal single/double source does not raise DE here: the
     * operation raises it if it gets to use the value (not when the other operand is a NaN).
     */
    static boolean loadSource(X87Extended x, int kind, long raw, int rawHigh, boolean deferDenormal) {
        int before = x.flags;
        switch (kind) {
            case M32 -> X87Formats.fromFloat(x, raw, X87Formats.SINGLE);
            case M64 -> X87Formats.fromFloat(x, raw, X87Formats.DOUBLE);
            case I16 -> X87Formats.fromInteger(x, raw, 2);
            case I32 -> X87Formats.fromInteger(x, raw, 4);
            case I64 -> X87Formats.fromInteger(x, raw, 8);
            case BCD -> X87Formats.fromBcd(x, raw, rawHigh);
            default -> {
                x.sig = raw;
                x.se = rawHigh & 0xFFFF;
            }
        }
        if (deferDenormal && (x.flags & ~before & X87Extended.DE) != 0) {
            x.flags &= ~X87Extended.DE | before;
            x.markDenormalSource(x.sig, x.se);
            return true;
        }
        return (x.flags & X87Extended.DE) == 0 || x.masked(X87Extended.DE);
    }

    /** FADD/FMUL/FSUB(R)/FDIV(R) and their P and I forms: dest = dest op source (or source op dest). */
    @TruffleBoundary
    public static void arithmetic(X86FpuState fpu, int operation, int kind, long raw, int index, boolean toSti, boolean reverse, boolean pop) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        int dest = toSti ? index : 0;
        if (X87Stack.isEmpty(fpu, 0) || kind == ST && X87Stack.isEmpty(fpu, index)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, dest, x.sig, x.se);
                if (pop) {
                    X87Stack.pop(fpu);
                }
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        long destSig = X87Stack.sig(fpu, dest);
        int destSe = X87Stack.se(fpu, dest);
        long srcSig;
        int srcSe;
        if (kind == ST) {
            int src = toSti ? 0 : index;
            srcSig = X87Stack.sig(fpu, src);
            srcSe = X87Stack.se(fpu, src);
        } else {
            loadSource(x, kind, raw, 0, true);
            srcSig = x.sig;
            srcSe = x.se;
        }
        long aSig = reverse ? srcSig : destSig;
        int aSe = reverse ? srcSe : destSe;
        long bSig = reverse ? destSig : srcSig;
        int bSe = reverse ? destSe : srcSe;
        boolean delivered = switch (operation) {
            case ADD -> x.add(aSig, aSe, bSig, bSe, false);
            case MUL -> x.multiply(aSig, aSe, bSig, bSe);
            case SUB, SUBR -> x.add(aSig, aSe, bSig, bSe, true);
            default -> x.divide(aSig, aSe, bSig, bSe);
        };
        if (delivered) {
            X87Stack.write(fpu, dest, x.sig, x.se);
            if (pop) {
                X87Stack.pop(fpu);
            }
        }
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    /**
     * FCOM/FUCOM/FICOM (and P/PP), FCOMI/FUCOMI (and P), FTST: compares ST(0) with the source.
     * Sets C0/C2/C3 unless {@code toFlags}; returns the outcome for EFLAGS, or NO_RESULT.
     */
    @TruffleBoundary
    public static int compare(X86FpuState fpu, int kind, long raw, int index, boolean unorderedQuiet, int pops, boolean toFlags) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (X87Stack.isEmpty(fpu, 0) || kind == ST && X87Stack.isEmpty(fpu, index)) {
            boolean masked = X87Stack.underflow(x);
            setCodes(fpu, UNORDERED, toFlags);
            if (masked) {
                popTimes(fpu, pops);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return UNORDERED;
        }
        long s1 = X87Stack.sig(fpu, 0);
        int e1 = X87Stack.se(fpu, 0);
        long s2;
        int e2;
        if (kind == ST) {
            s2 = X87Stack.sig(fpu, index);
            e2 = X87Stack.se(fpu, index);
        } else {
            loadSource(x, kind, raw, 0, true);
            s2 = x.sig;
            e2 = x.se;
        }
        int c1 = X87Extended.classify(s1, e1);
        int c2 = x.operandClass(s2, e2);
        int result;
        if (c1 == X87Extended.UNSUPPORTED || c2 == X87Extended.UNSUPPORTED || X87Extended.isNan(c1) || X87Extended.isNan(c2)) {
            boolean signalling = c1 == X87Extended.UNSUPPORTED || c2 == X87Extended.UNSUPPORTED || c1 == X87Extended.SNAN
                    || c2 == X87Extended.SNAN || !unorderedQuiet;
            if (signalling) {
                x.flags |= X87Extended.IE;
            }
            result = UNORDERED;
        } else {
            if (c1 == X87Extended.DENORMAL || c2 == X87Extended.DENORMAL) {
                x.flags |= X87Extended.DE;
            }
            result = compareValues(s1, e1, c1, s2, e2, c2);
        }
        setCodes(fpu, result, toFlags);
        if ((x.flags & ~x.masksForCompare() & (X87Extended.IE | X87Extended.DE)) == 0) {
            popTimes(fpu, pops);
        }
        X87Stack.finish(fpu, x, toFlags ? 0 : X87Stack.C1);
        return result;
    }

    private static void popTimes(X86FpuState fpu, int pops) {
        for (int i = 0; i < pops; i++) {
            X87Stack.pop(fpu);
        }
    }

    private static void setCodes(X86FpuState fpu, int result, boolean toFlags) {
        if (toFlags) {
            return;
        }
        int codes = switch (result) {
            case LESS -> X87Stack.C0;
            case EQUAL -> X87Stack.C3;
            case UNORDERED -> X87Stack.C0 | X87Stack.C2 | X87Stack.C3;
            default -> 0;
        };
        fpu.setStatusWord(fpu.statusWord() & ~X87Stack.CONDITION_CODES | codes);
    }

    /** Orders two numeric (non-NaN, supported) values. */
    static int compareValues(long s1, int e1, int c1, long s2, int e2, int c2) {
        boolean zero1 = c1 == X87Extended.ZERO;
        boolean zero2 = c2 == X87Extended.ZERO;
        if (zero1 && zero2) {
            return EQUAL;
        }
        boolean neg1 = (e1 & 0x8000) != 0;
        boolean neg2 = (e2 & 0x8000) != 0;
        if (zero1) {
            return neg2 ? GREATER : LESS;
        }
        if (zero2) {
            return neg1 ? LESS : GREATER;
        }
        if (neg1 != neg2) {
            return neg1 ? LESS : GREATER;
        }
        int magnitude = compareMagnitudes(s1, e1, c1, s2, e2, c2);
        if (magnitude == 0) {
            return EQUAL;
        }
        return (magnitude > 0) != neg1 ? GREATER : LESS;
    }

    private static int compareMagnitudes(long s1, int e1, int c1, long s2, int e2, int c2) {
        if (c1 == X87Extended.INFINITY || c2 == X87Extended.INFINITY) {
            return c1 == c2 ? 0 : c1 == X87Extended.INFINITY ? 1 : -1;
        }
        int x1 = ((e1 & 0x7FFF) == 0 ? 1 : e1 & 0x7FFF) - Long.numberOfLeadingZeros(s1);
        int x2 = ((e2 & 0x7FFF) == 0 ? 1 : e2 & 0x7FFF) - Long.numberOfLeadingZeros(s2);
        if (x1 != x2) {
            return x1 > x2 ? 1 : -1;
        }
        return Long.compareUnsigned(s1 << Long.numberOfLeadingZeros(s1), s2 << Long.numberOfLeadingZeros(s2));
    }

    /** FLD/FILD/FBLD of a memory value, or FLD ST(i) when {@code kind} is ST. */
    @TruffleBoundary
    public static void load(X86FpuState fpu, int kind, long raw, int rawHigh, int index) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (kind == ST && X87Stack.isEmpty(fpu, index)) {
            if (X87Stack.underflow(x)) {
                X87Stack.push(fpu, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        if (!X87Stack.isEmpty(fpu, 7)) {
            if (X87Stack.overflow(x)) {
                X87Stack.push(fpu, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        if (kind == ST) {
            if (X87Stack.isEmpty(fpu, index)) {
                if (X87Stack.underflow(x)) {
                    X87Stack.push(fpu, x.sig, x.se);
                }
                X87Stack.finish(fpu, x, X87Stack.C1);
                return;
            }
            X87Stack.push(fpu, X87Stack.sig(fpu, index), X87Stack.se(fpu, index));
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        // A denormal single or double loads even with DE unmasked (the exception is reported after the load).
        loadSource(x, kind, raw, rawHigh);
        if ((kind == M32 || kind == M64) && X87Extended.classify(x.sig, x.se) == X87Extended.SNAN) {
            x.flags |= X87Extended.IE;
            x.sig |= X87Extended.QUIET_BIT;
            if (!x.masked(X87Extended.IE)) {
                X87Stack.finish(fpu, x, X87Stack.C1);
                return;
            }
        }
        X87Stack.push(fpu, x.sig, x.se);
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    /** Pushes a constant given by its 64-bit significand, exponent word and the rounding direction of its next bits. */
    @TruffleBoundary
    public static void loadConstant(X86FpuState fpu, long sig, int se, boolean nearestRoundsUp, boolean rcUpRoundsUp) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (!X87Stack.isEmpty(fpu, 7)) {
            if (X87Stack.overflow(x)) {
                X87Stack.push(fpu, x.sig, x.se);
            }
            X87Stack.finish(fpu, x, X87Stack.C1);
            return;
        }
        boolean up = switch (x.roundingMode()) {
            case X87Extended.NEAREST -> nearestRoundsUp;
            case X87Extended.UP -> rcUpRoundsUp;
            default -> false;
        };
        X87Stack.push(fpu, up ? sig + 1 : sig, se);
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    /**
     * The value an FST/FIST/FBSTP of kind {@code kind} stores from ST(0) (for m80 and BCD the
     * high 16 bits are left in x.se). x.storeAllowed false: nothing is written.
     */
    @TruffleBoundary
    public static long storeValue(X86FpuState fpu, int kind) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        x.storeAllowed = true;
        if (X87Stack.isEmpty(fpu, 0)) {
            X87Stack.underflow(x);
            x.storeAllowed = x.masked(X87Extended.IE);
            return switch (kind) {
                case M32 -> 0xFFC0_0000L;
                case M64 -> 0xFFF8_0000_0000_0000L;
                case M80 -> {
                    x.se = X87Extended.INDEFINITE_SE;
                    yield X87Extended.INDEFINITE_SIG;
                }
                case BCD -> {
                    x.se = X87Formats.BCD_INDEFINITE_HIGH;
                    yield X87Formats.BCD_INDEFINITE_LOW;
                }
                case I16, I16_TRUNCATE -> 0x8000L;
                case I32, I32_TRUNCATE -> 0x8000_0000L;
                default -> Long.MIN_VALUE;
            };
        }
        long sig = X87Stack.sig(fpu, 0);
        int se = X87Stack.se(fpu, 0);
        return switch (kind) {
            case M32 -> X87Formats.toFloat(x, sig, se, X87Formats.SINGLE);
            case M64 -> X87Formats.toFloat(x, sig, se, X87Formats.DOUBLE);
            case M80 -> {
                x.se = se;
                yield sig;
            }
            case BCD -> X87Formats.toBcd(x, sig, se);
            case I16 -> X87Formats.toInteger(x, sig, se, 2, false);
            case I32 -> X87Formats.toInteger(x, sig, se, 4, false);
            case I64 -> X87Formats.toInteger(x, sig, se, 8, false);
            case I16_TRUNCATE -> X87Formats.toInteger(x, sig, se, 2, true);
            case I32_TRUNCATE -> X87Formats.toInteger(x, sig, se, 4, true);
            default -> X87Formats.toInteger(x, sig, se, 8, true);
        };
    }

    /** After {@link #storeValue} (and the memory write, if any): flags, C1 and the pop. */
    @TruffleBoundary
    public static void commitStore(X86FpuState fpu, boolean pop) {
        X87Extended x = fpu.x87Arithmetic();
        if (pop && x.storeAllowed) {
            X87Stack.pop(fpu);
        }
        X87Stack.finish(fpu, x, X87Stack.C1);
    }

    /**
     * FST/FSTP ST(i). {@code quietAlias} is the undocumented FSTP1 (D9 D8+i), which on this CPU
     * only pops when ST(0) is empty, without a stack fault.
     */
    @TruffleBoundary
    public static void storeRegister(X86FpuState fpu, int index, boolean pop, boolean quietAlias) {
        X87Extended x = fpu.x87Arithmetic();
        x.begin(fpu.controlWord());
        if (quietAlias && X87Stack.isEmpty(fpu, 0)) {
            X87Stack.pop(fpu);
        } else if (X87Stack.isEmpty(fpu, 0)) {
            if (X87Stack.underflow(x)) {
                X87Stack.write(fpu, index, x.sig, x.se);
                if (pop) {
                    X87Stack.pop(fpu);
                }
            }
        } else {
            X87Stack.write(fpu, index, X87Stack.sig(fpu, 0), X87Stack.se(fpu, 0));
            if (pop) {
                X87Stack.pop(fpu);
            }
        }
        X87Stack.finish(fpu, x, X87Stack.C1);
    }
}

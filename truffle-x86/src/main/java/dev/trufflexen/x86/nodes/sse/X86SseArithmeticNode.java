package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86Likelihood;

/**
 * SSE floating-point arithmetic on scalar (SS, SD: the low element; the rest of the destination
 * is kept) or packed (PS, PD) operands: ADD, SUB, MUL, DIV, MIN, MAX, SQRT, the CMP predicates,
 * ADDSUBPS/PD and the horizontal HADD/HSUB. Every element is computed first; the flags are then
 * committed (or #XM raised) before the destination is written.
 */
public final class X86SseArithmeticNode extends X86SseNode implements X86XmmFrame.User {
    public static final int ELEMENTWISE = 0;
    public static final int COMPARE = 1;
    public static final int ADD_SUBTRACT = 2;
    public static final int HORIZONTAL = 3;

    private final int form;
    private final int operation;
    private final boolean single;
    private final boolean scalar;
    private final int destination;
    private final int predicate;
    /** A true double compare: all ones, which is also {@link X86SseFloat#SLOW}, so it travels as this stand-in. */
    private static final long COMPARE_TRUE = 1L;
    /** Whether compiled code of this instruction needed the exact path (see {@link #execute}). */
    @CompilationFinal private boolean exactPathSeen;

    public X86SseArithmeticNode(long rip, int length, int form, int operation, boolean single, boolean scalar, int destination,
            int source, X86AddressNode address, int predicate) {
        super(rip, length, source, address, scalar ? (single ? 4 : 8) : 16, !scalar);
        this.form = form;
        this.operation = operation;
        this.single = single;
        this.scalar = scalar;
        this.destination = destination;
        this.predicate = predicate;
    }

    @Override
    public int xmmRegisterMask() {
        return xmmRegisterMask(destination);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(frame, cpu, linear);
        long s1 = scalar ? 0 : sourceHigh(frame, cpu, linear);
        int d = destination * 2;
        long d0 = xmm(frame, cpu, d);
        long d1 = xmm(frame, cpu, d + 1);
        int mxcsr = mxcsr(frame, cpu);
        if (X86Likelihood.likely(form == COMPARE || X86SseFloat.isHardfloatState(mxcsr))) {
            if (hasHostPath() && hostExact(frame, cpu, d, d0, d1, s0, s1) || hardfloat(frame, cpu, d, d0, d1, s0, s1)) {
                return;
            }
        }
        if (CompilerDirectives.inCompiledCode() && !exactPathSeen) {
            // Compiled code so far held only the hardfloat path: from now on it holds both.
            CompilerDirectives.transferToInterpreterAndInvalidate();
            exactPathSeen = true;
        }
        long[] result = exact(fpu, d0, d1, s0, s1);
        reloadMxcsr(frame, cpu);
        setXmm(frame, cpu, d, result[0]);
        setXmm(frame, cpu, d + 1, result[1]);
    }

    /** Every element exactly, with MXCSR's flags committed (or #XM raised): the destination's new quadwords. */
    @TruffleBoundary(transferToInterpreterOnException = false)
    private long[] exact(X86FpuState fpu, long d0, long d1, long s0, long s1) {
        int mxcsr = fpu.mxcsr();
        long r0;
        long r1;
        if (scalar) {
            r0 = single ? (d0 & 0xFFFF_FFFF_0000_0000L) | element(fpu, mxcsr, d0 & 0xFFFF_FFFFL, s0 & 0xFFFF_FFFFL, 0)
                    : element(fpu, mxcsr, d0, s0, 0);
            r1 = d1;
        } else if (form == HORIZONTAL) {
            if (single) {
                r0 = pair(element(fpu, mxcsr, low(d0), high(d0), 0), element(fpu, mxcsr, low(d1), high(d1), 0));
                r1 = pair(element(fpu, mxcsr, low(s0), high(s0), 0), element(fpu, mxcsr, low(s1), high(s1), 0));
            } else {
                r0 = element(fpu, mxcsr, d0, d1, 0);
                r1 = element(fpu, mxcsr, s0, s1, 0);
            }
        } else if (single) {
            r0 = pair(element(fpu, mxcsr, low(d0), low(s0), 0), element(fpu, mxcsr, high(d0), high(s0), 1));
            r1 = pair(element(fpu, mxcsr, low(d1), low(s1), 2), element(fpu, mxcsr, high(d1), high(s1), 3));
        } else {
            r0 = element(fpu, mxcsr, d0, s0, 0);
            r1 = element(fpu, mxcsr, d1, s1, 1);
        }
        X86SseFloat.commit(fpu);
        return new long[] {r0, r1};
    }

    /**
     * Every element on the host's arithmetic with no flag to compute (see
     * {@link X86SseFloat#hardfloat}), written to the destination; false, with nothing written,
     * when an element needs the exact path.
     */
    private boolean hardfloat(VirtualFrame frame, X86Cpu cpu, int d, long d0, long d1, long s0, long s1) {
        long r0;
        long r1;
        if (scalar) {
            if (single) {
                long e = hardElement(d0 & 0xFFFF_FFFFL, s0 & 0xFFFF_FFFFL, 0);
                if (e == X86SseFloat.SLOW) {
                    return false;
                }
                setXmm(frame, cpu, d, (d0 & 0xFFFF_FFFF_0000_0000L) | e);
            } else {
                long e = hardElement(d0, s0, 0);
                if (e == X86SseFloat.SLOW) {
                    return false;
                }
                setXmm(frame, cpu, d, doubleResult(e));
            }
            return true;
        }
        if (form == HORIZONTAL) {
            return false;
        }
        if (single) {
            long e0 = hardElement(low(d0), low(s0), 0);
            long e1 = hardElement(high(d0), high(s0), 1);
            long e2 = hardElement(low(d1), low(s1), 2);
            long e3 = hardElement(high(d1), high(s1), 3);
            if (e0 == X86SseFloat.SLOW || e1 == X86SseFloat.SLOW || e2 == X86SseFloat.SLOW || e3 == X86SseFloat.SLOW) {
                return false;
            }
            r0 = pair(e0, e1);
            r1 = pair(e2, e3);
        } else {
            r0 = hardElement(d0, s0, 0);
            r1 = hardElement(d1, s1, 1);
            if (r0 == X86SseFloat.SLOW || r1 == X86SseFloat.SLOW) {
                return false;
            }
            r0 = doubleResult(r0);
            r1 = doubleResult(r1);
        }
        setXmm(frame, cpu, d, r0);
        setXmm(frame, cpu, d + 1, r1);
        return true;
    }

    /** Whether {@link #hostExact} covers this instruction: ADD, SUB, MUL, DIV, SQRT and ADDSUB, scalar or packed. */
    private boolean hasHostPath() {
        return form == ADD_SUBTRACT || form == ELEMENTWISE && X86SseFloat.hasHostOperation(operation);
    }

    /**
     * The host's own operation on every element, written to the destination when every result is
     * exact by {@link X86SseFloat#isHostExact}; false, with nothing written, otherwise (zeros,
     * tiny or huge values, NaNs: {@link #hardfloat}'s element-by-element path decides those).
     */
    private boolean hostExact(VirtualFrame frame, X86Cpu cpu, int d, long d0, long d1, long s0, long s1) {
        X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
        if (scalar) {
            long a = single ? low(d0) : d0;
            long b = single ? low(s0) : s0;
            long r = X86SseFloat.hostOperation(operation, f, a, b);
            if (!X86Likelihood.likely(X86SseFloat.isHostExact(operation, f, a, b, r))) {
                return false;
            }
            setXmm(frame, cpu, d, single ? (d0 & 0xFFFF_FFFF_0000_0000L) | r : r);
            return true;
        }
        if (single) {
            long r0 = hostElement(f, low(d0), low(s0), 0);
            long r1 = hostElement(f, high(d0), high(s0), 1);
            long r2 = hostElement(f, low(d1), low(s1), 2);
            long r3 = hostElement(f, high(d1), high(s1), 3);
            if (!X86Likelihood.likely(isHostExact(f, low(d0), low(s0), r0, 0) && isHostExact(f, high(d0), high(s0), r1, 1)
                    && isHostExact(f, low(d1), low(s1), r2, 2) && isHostExact(f, high(d1), high(s1), r3, 3))) {
                return false;
            }
            setXmm(frame, cpu, d, pair(r0, r1));
            setXmm(frame, cpu, d + 1, pair(r2, r3));
            return true;
        }
        long r0 = hostElement(f, d0, s0, 0);
        long r1 = hostElement(f, d1, s1, 1);
        if (!X86Likelihood.likely(isHostExact(f, d0, s0, r0, 0) && isHostExact(f, d1, s1, r1, 1))) {
            return false;
        }
        setXmm(frame, cpu, d, r0);
        setXmm(frame, cpu, d + 1, r1);
        return true;
    }

    /** The operation of element {@code index}: ADDSUBPS/PD subtract in the even elements and add in the odd ones. */
    private int elementOperation(int index) {
        if (form == ADD_SUBTRACT) {
            return (index & 1) == 0 ? X86SseFloat.SUB : X86SseFloat.ADD;
        }
        return operation;
    }

    private long hostElement(X86FloatFormat f, long a, long b, int index) {
        return X86SseFloat.hostOperation(elementOperation(index), f, a, b);
    }

    private boolean isHostExact(X86FloatFormat f, long a, long b, long result, int index) {
        return X86SseFloat.isHostExact(elementOperation(index), f, a, b, result);
    }

    private long doubleResult(long element) {
        return form == COMPARE && element == COMPARE_TRUE ? -1L : element;
    }

    private long hardElement(long a, long b, int index) {
        if (form == COMPARE) {
            // No flag unless an operand is a NaN (IE) or a denormal (DE), whatever MXCSR says.
            X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
            if (!f.isNormalOrZero(a) || !f.isNormalOrZero(b)) {
                return X86SseFloat.SLOW;
            }
            return X86SseFloat.ordered(predicate, f.toDouble(a), f.toDouble(b)) ? (single ? 0xFFFF_FFFFL : COMPARE_TRUE) : 0;
        }
        int op = operation;
        if (form == ADD_SUBTRACT) {
            op = (index & 1) == 0 ? X86SseFloat.SUB : X86SseFloat.ADD;
        }
        return X86SseFloat.hardfloat(op, single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE, a, b);
    }

    private long element(X86FpuState fpu, int mxcsr, long a, long b, int index) {
        X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
        if (form == COMPARE) {
            boolean result = X86SseFloat.compare(predicate, f, a, b, mxcsr, fpu);
            return result ? (single ? 0xFFFF_FFFFL : -1L) : 0;
        }
        int op = operation;
        if (form == ADD_SUBTRACT) {
            op = (index & 1) == 0 ? X86SseFloat.SUB : X86SseFloat.ADD;
        }
        return X86SseFloat.arithmetic(op, f, a, b, mxcsr, fpu);
    }

    private static long low(long value) {
        return value & 0xFFFF_FFFFL;
    }

    private static long high(long value) {
        return value >>> 32;
    }

    private static long pair(long low, long high) {
        return (low & 0xFFFF_FFFFL) | (high << 32);
    }
}

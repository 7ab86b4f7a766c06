package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * SSE floating-point arithmetic on scalar (SS, SD: the low element; the rest of the destination
 * is kept) or packed (PS, PD) operands: ADD, SUB, MUL, DIV, MIN, MAX, SQRT, the CMP predicates,
 * ADDSUBPS/PD and the horizontal HADD/HSUB. Every element is computed first; the flags are then
 * committed (or #XM raised) before the destination is written.
 */
public final class X86SseArithmeticNode extends X86SseNode {
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
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        long[] x = fpu.xmmArray();
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(cpu, x, linear);
        long s1 = scalar ? 0 : sourceHigh(cpu, x, linear);
        int d = destination * 2;
        long d0 = x[d];
        long d1 = x[d + 1];
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
        x[d] = r0;
        x[d + 1] = r1;
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

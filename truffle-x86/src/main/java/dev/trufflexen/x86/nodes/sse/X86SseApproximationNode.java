package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * RCPPS, RCPSS, RSQRTPS, RSQRTSS: approximations of 1/x and 1/sqrt(x) with a relative error of
 * at most 1.5 * 2^-12. The exact approximation is model-specific (a table inside the processor);
 * TruffleXen returns the correctly rounded single-precision value, which is within that bound.
 * Denormal operands count as zeros, tiny results flush to zero; MXCSR is neither read nor changed.
 */
public final class X86SseApproximationNode extends X86SseNode {
    private final boolean squareRoot;
    private final boolean scalar;
    private final int destination;

    public X86SseApproximationNode(long rip, int length, boolean squareRoot, boolean scalar, int destination, int source,
            X86AddressNode address) {
        super(rip, length, source, address, scalar ? 4 : 16, !scalar);
        this.squareRoot = squareRoot;
        this.scalar = scalar;
        this.destination = destination;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long[] x = cpu.fpu().xmmArray();
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(cpu, x, linear);
        int d = destination * 2;
        if (scalar) {
            x[d] = (x[d] & 0xFFFF_FFFF_0000_0000L) | approximate(s0 & 0xFFFF_FFFFL);
            return;
        }
        long s1 = sourceHigh(cpu, x, linear);
        x[d] = approximate(s0 & 0xFFFF_FFFFL) | approximate(s0 >>> 32) << 32;
        x[d + 1] = approximate(s1 & 0xFFFF_FFFFL) | approximate(s1 >>> 32) << 32;
    }

    private long approximate(long bits) {
        X86FloatFormat f = X86FloatFormat.SINGLE;
        if (f.isNaN(bits)) {
            return f.quiet(bits);
        }
        boolean negative = f.isNegative(bits);
        if (f.isZero(bits) || f.isDenormal(bits)) {
            return f.infinity(negative);
        }
        if (squareRoot && negative) {
            return f.defaultNaN;
        }
        double v = f.toDouble(bits);
        float r = (float) (squareRoot ? 1 / Math.sqrt(v) : 1 / v);
        if (Math.abs(r) < Float.MIN_NORMAL) {
            return f.zero(negative);
        }
        return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
    }
}

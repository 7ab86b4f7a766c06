package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86Likelihood;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * CVTSS2SI, CVTSD2SI and their truncating forms: the low float element of an XMM register or
 * memory to a 32- or 64-bit general register.
 */
public final class X86SseScalarIntegerNode extends X86SseNode implements X86XmmFrame.User {
    private final boolean single;
    private final boolean truncate;
    @Child private X86OperandNode destination;

    public X86SseScalarIntegerNode(long rip, int length, boolean single, boolean truncate, X86OperandNode destination, int source,
            X86AddressNode address) {
        super(rip, length, source, address, single ? 4 : 8, false);
        this.single = single;
        this.truncate = truncate;
        this.destination = destination;
    }

    @Override
    public int xmmRegisterMask() {
        return sourceIsMemory() ? 0 : 1 << source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(frame, cpu, linear);
        X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
        long bits = single ? s0 & 0xFFFF_FFFFL : s0;
        int mxcsr = mxcsr(frame, cpu);
        if (X86Likelihood.likely(f.isNormalOrZero(bits) && (truncate || (mxcsr & ROUNDING_CONTROL) == 0))) {
            double v = f.toDouble(bits);
            double r = truncate ? (v < 0 ? Math.ceil(v) : Math.floor(v)) : Math.rint(v);
            double limit = destination.size() == 8 ? 0x1p63 : 0x1p31;
            // In range, the one flag possible is PE: no change when exact, or when already set and masked.
            if (X86Likelihood.likely(r >= -limit && r < limit && (r == v || (mxcsr & STICKY_PRECISION) == STICKY_PRECISION))) {
                long result = (long) r;
                destination.write(frame, cpu, destination.size() == 8 ? result : result & 0xFFFF_FFFFL);
                return;
            }
        }
        long value = exact(cpu.fpu(), f, bits);
        reloadMxcsr(frame, cpu);
        destination.write(frame, cpu, value);
    }

    /** MXCSR's rounding control. */
    private static final int ROUNDING_CONTROL = 0x6000;
    /** PE set and masked. */
    private static final int STICKY_PRECISION = X86SseFloat.PE | 0x1000;

    /** Every case, with MXCSR's flags committed (or #XM raised). */
    @TruffleBoundary(transferToInterpreterOnException = false)
    private long exact(X86FpuState fpu, X86FloatFormat f, long bits) {
        long value = X86SseConversions.toInteger(f, bits, destination.size(), truncate, fpu.mxcsr(), fpu);
        X86SseFloat.commit(fpu);
        return value;
    }
}

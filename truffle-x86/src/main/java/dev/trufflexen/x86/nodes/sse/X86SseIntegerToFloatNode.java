package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86Likelihood;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** CVTSI2SS and CVTSI2SD: a signed 32- or 64-bit integer (register or memory) to the low element of an XMM register. */
public final class X86SseIntegerToFloatNode extends X86XmmFrameNode implements X86XmmFrame.User {
    private final boolean single;
    private final int destination;
    @Child private X86OperandNode source;

    public X86SseIntegerToFloatNode(long rip, int length, boolean single, int destination, X86OperandNode source) {
        super(rip, length);
        this.single = single;
        this.destination = destination;
        this.source = source;
    }

    @Override
    public int xmmRegisterMask() {
        return 1 << destination;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long raw = source.read(frame, cpu);
        long value = source.size() == 8 ? raw : (int) raw;
        X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
        long limit = 1L << f.precision;
        long result;
        if (X86Likelihood.likely(value > -limit && value < limit)) {
            result = X86SseConversions.fromInteger(f, value, 0, null); // exact: no flag, no rounding
        } else {
            result = rounded(cpu.fpu(), f, value);
            reloadMxcsr(frame, cpu);
        }
        int d = destination * 2;
        long old = xmm(frame, cpu, d);
        setXmm(frame, cpu, d, single ? (old & 0xFFFF_FFFF_0000_0000L) | result : result);
    }

    /** A value the format cannot hold exactly, rounded by MXCSR with PE committed (or #XM raised). */
    @TruffleBoundary(transferToInterpreterOnException = false)
    private static long rounded(X86FpuState fpu, X86FloatFormat f, long value) {
        long result = X86SseConversions.fromInteger(f, value, fpu.mxcsr(), fpu);
        X86SseFloat.commit(fpu);
        return result;
    }
}

package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86Likelihood;

/**
 * COMISS, COMISD, UCOMISS, UCOMISD: compare the low elements into ZF, PF, CF (unordered 111,
 * less 001, equal 100, greater 000) and clear OF, SF, AF. The ordered forms raise IE on any NaN,
 * the unordered ones only on a signaling NaN; denormal operands raise DE.
 */
public final class X86SseCompareFlagsNode extends X86SseNode implements X86XmmFrame.User {
    private final boolean single;
    private final boolean signalOnQuietNaN;
    private final int destination;

    public X86SseCompareFlagsNode(long rip, int length, boolean single, boolean signalOnQuietNaN, int destination, int source,
            X86AddressNode address) {
        super(rip, length, source, address, single ? 4 : 8, false);
        this.single = single;
        this.signalOnQuietNaN = signalOnQuietNaN;
        this.destination = destination;
    }

    @Override
    public int xmmRegisterMask() {
        return xmmRegisterMask(destination);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long b = sourceLow(frame, cpu, linear);
        long a = xmm(frame, cpu, destination * 2);
        X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
        if (single) {
            a &= 0xFFFF_FFFFL;
            b &= 0xFFFF_FFFFL;
        }
        long status;
        if (X86Likelihood.likely(f.isNormalOrZero(a) && f.isNormalOrZero(b))) {
            // No flag can change: MXCSR is neither read nor written.
            double da = f.toDouble(a);
            double db = f.toDouble(b);
            status = da < db ? X86Rflags.CF : da == db ? X86Rflags.ZF : 0;
        } else {
            status = special(cpu.fpu(), f, a, b);
            reloadMxcsr(frame, cpu);
        }
        X86FlagState.setMaterialized(frame, (X86FlagState.materialize(frame) & ~X86Rflags.STATUS) | status);
    }

    /** NaN or denormal operands: the flags from MXCSR on the heap, committed (or #XM raised). */
    @TruffleBoundary(transferToInterpreterOnException = false)
    private long special(X86FpuState fpu, X86FloatFormat f, long a, long b) {
        int mxcsr = fpu.mxcsr();
        long status;
        if (f.isNaN(a) || f.isNaN(b)) {
            if (signalOnQuietNaN || f.isSignalingNaN(a) || f.isSignalingNaN(b)) {
                fpu.raiseSimdExceptions(X86SseFloat.IE);
            }
            status = X86Rflags.ZF | X86Rflags.PF | X86Rflags.CF;
        } else {
            double da = f.toDouble(X86SseFloat.operand(f, a, mxcsr, fpu));
            double db = f.toDouble(X86SseFloat.operand(f, b, mxcsr, fpu));
            status = da < db ? X86Rflags.CF : da == db ? X86Rflags.ZF : 0;
        }
        X86SseFloat.commit(fpu);
        return status;
    }
}

package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * DPPS and DPPD (66 0F 3A 40/41): a dot product with the order of rounding fixed as on
 * hardware. Imm8 bits 4-7 (DPPS) or 4-5 (DPPD) select which products take part (the others
 * are +0.0, and are not computed); each product is rounded, then DPPS sums products 0+1 and
 * 2+3 and adds those two sums, DPPD adds its two products, each sum rounded. Imm8 bits 0-3
 * (0-1) choose which elements receive the sum; the others are +0.0. Each step (products, then
 * each level of sums) reports exceptions as one packed operation ({@link #endStage}); an
 * unmasked one leaves the destination unchanged and raises #XM. Rare enough to run behind a
 * boundary on {@link X86SoftFloat}.
 */
public final class X86DotProductNode extends X86XmmSourceNode {
    private final boolean isDouble;
    private final int destination;
    private final int control;

    public X86DotProductNode(long rip, int length, boolean isDouble, int destination, int sourceKind, int sourceRegister,
            X86AddressNode address, int control) {
        super(rip, length, sourceKind, sourceRegister, address, 16, true);
        this.isDouble = isDouble;
        this.destination = destination;
        this.control = control;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceQword(frame, cpu, linear, 0);
        long s1 = sourceQword(frame, cpu, linear, 1);
        if (!compute(cpu.fpu(), isDouble, destination, control, s0, s1)) {
            throw X86ExitException.fault(X86Fault.XM);
        }
    }

    /** Computes and writes the result; false (flags set, destination unchanged) for an unmasked exception. */
    @TruffleBoundary
    private static boolean compute(X86FpuState fpu, boolean isDouble, int destination, int control, long s0, long s1) {
        long[] xmm = fpu.xmmArray();
        long d0 = xmm[destination * 2];
        long d1 = xmm[destination * 2 + 1];
        X86SoftFloat arithmetic = new X86SoftFloat(isDouble, fpu.mxcsr());
        long r0;
        long r1;
        if (isDouble) {
            long p0 = (control & 0x10) != 0 ? arithmetic.multiply(d0, s0) : 0;
            long p1 = (control & 0x20) != 0 ? arithmetic.multiply(d1, s1) : 0;
            if (!endStage(fpu, arithmetic)) {
                return false;
            }
            long sum = arithmetic.add(p0, p1);
            if (!endStage(fpu, arithmetic)) {
                return false;
            }
            r0 = (control & 1) != 0 ? sum : 0;
            r1 = (control & 2) != 0 ? sum : 0;
        } else {
            long[] products = new long[4];
            for (int i = 0; i < 4; i++) {
                long d = (i < 2 ? d0 : d1) >>> ((i & 1) * 32) & 0xFFFF_FFFFL;
                long s = (i < 2 ? s0 : s1) >>> ((i & 1) * 32) & 0xFFFF_FFFFL;
                products[i] = (control & (0x10 << i)) != 0 ? arithmetic.multiply(d, s) : 0;
            }
            if (!endStage(fpu, arithmetic)) {
                return false;
            }
            long low = arithmetic.add(products[0], products[1]);
            long high = arithmetic.add(products[2], products[3]);
            if (!endStage(fpu, arithmetic)) {
                return false;
            }
            long sum = arithmetic.add(low, high);
            if (!endStage(fpu, arithmetic)) {
                return false;
            }
            long[] lanes = new long[4];
            for (int i = 0; i < 4; i++) {
                lanes[i] = (control & (1 << i)) != 0 ? sum : 0;
            }
            r0 = lanes[0] | lanes[1] << 32;
            r1 = lanes[2] | lanes[3] << 32;
        }
        xmm[destination * 2] = r0;
        xmm[destination * 2 + 1] = r1;
        return true;
    }

    /**
     * Ends one step (the products, or one level of sums) as a packed operation does: an unmasked
     * pre-computation exception (invalid, denormal) records only those flags; otherwise all the
     * step's flags are recorded, and any unmasked one stops the instruction. False to stop.
     */
    private static boolean endStage(X86FpuState fpu, X86SoftFloat arithmetic) {
        int mxcsr = fpu.mxcsr();
        int unmasked = ~(mxcsr >> 7) & 0x3F;
        int flags = arithmetic.flags;
        arithmetic.flags = 0;
        int pre = flags & (X86SoftFloat.INVALID | X86SoftFloat.DENORMAL);
        if ((pre & unmasked) != 0) {
            fpu.setMxcsr(mxcsr | pre);
            return false;
        }
        fpu.setMxcsr(mxcsr | flags);
        return (flags & unmasked) == 0;
    }
}

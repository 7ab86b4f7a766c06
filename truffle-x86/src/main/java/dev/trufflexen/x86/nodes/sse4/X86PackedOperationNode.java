package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86AddressNode;

/**
 * An SSSE3/SSE4 instruction that computes an XMM register from itself, a source and possibly
 * an immediate and XMM0 ({@link X86PackedIntegerOps}): every source is read before the
 * destination changes, so a faulting memory source leaves the state untouched.
 */
public final class X86PackedOperationNode extends X86XmmSourceNode {
    private final int operation;
    private final int destination;
    private final int immediate;

    public X86PackedOperationNode(long rip, int length, int operation, int destination, int sourceKind, int sourceRegister,
            X86AddressNode address, int sourceBytes, boolean alignedOnly, int immediate) {
        super(rip, length, sourceKind, sourceRegister, address, sourceBytes, alignedOnly);
        this.operation = operation;
        this.destination = destination;
        this.immediate = immediate;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceQword(frame, cpu, linear, 0);
        long s1 = sourceQword(frame, cpu, linear, 1);
        long[] xmm = cpu.fpu().xmmArray();
        long d0 = xmm[destination * 2];
        long d1 = xmm[destination * 2 + 1];
        long x0 = xmm[0];
        long x1 = xmm[1];
        long r0 = X86PackedIntegerOps.half(operation, 0, d0, d1, s0, s1, immediate, x0, x1);
        long r1 = X86PackedIntegerOps.half(operation, 1, d0, d1, s0, s1, immediate, x0, x1);
        xmm[destination * 2] = r0;
        xmm[destination * 2 + 1] = r1;
    }
}

package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86AddressNode;

/** {@code xmm = op(xmm, xmm/m128)} for an element-wise operation of {@link X86PackedIntegerOps} (also the bitwise PS/PD logic). */
public final class X86PackedIntegerNode extends X86SseNode implements X86XmmFrame.User {
    private final int operation;
    private final int destination;

    public X86PackedIntegerNode(long rip, int length, int operation, int destination, int source, X86AddressNode address) {
        super(rip, length, source, address, 16, true);
        this.operation = operation;
        this.destination = destination;
    }

    @Override
    public int xmmRegisterMask() {
        return xmmRegisterMask(destination);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(frame, cpu, linear);
        long s1 = sourceHigh(frame, cpu, linear);
        int d = destination * 2;
        long r0 = X86PackedIntegerOps.apply(operation, xmm(frame, cpu, d), s0);
        long r1 = X86PackedIntegerOps.apply(operation, xmm(frame, cpu, d + 1), s1);
        setXmm(frame, cpu, d, r0);
        setXmm(frame, cpu, d + 1, r1);
    }
}

package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/**
 * CVTSS2SI, CVTSD2SI and their truncating forms: the low float element of an XMM register or
 * memory to a 32- or 64-bit general register.
 */
public final class X86SseScalarIntegerNode extends X86SseNode {
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
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        long[] x = fpu.xmmArray();
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceLow(cpu, x, linear);
        X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
        long value = X86SseConversions.toInteger(f, single ? s0 & 0xFFFF_FFFFL : s0, destination.size(), truncate, fpu.mxcsr(), fpu);
        X86SseFloat.commit(fpu);
        destination.write(frame, cpu, value);
    }
}

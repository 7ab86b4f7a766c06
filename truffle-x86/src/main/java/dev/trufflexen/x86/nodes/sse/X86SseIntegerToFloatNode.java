package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** CVTSI2SS and CVTSI2SD: a signed 32- or 64-bit integer (register or memory) to the low element of an XMM register. */
public final class X86SseIntegerToFloatNode extends X86InstructionNode {
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
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86FpuState fpu = cpu.fpu();
        long raw = source.read(frame, cpu);
        long value = source.size() == 8 ? raw : (int) raw;
        X86FloatFormat f = single ? X86FloatFormat.SINGLE : X86FloatFormat.DOUBLE;
        long result = X86SseConversions.fromInteger(f, value, fpu.mxcsr(), fpu);
        X86SseFloat.commit(fpu);
        long[] x = fpu.xmmArray();
        int d = destination * 2;
        x[d] = single ? (x[d] & 0xFFFF_FFFF_0000_0000L) | result : result;
    }
}

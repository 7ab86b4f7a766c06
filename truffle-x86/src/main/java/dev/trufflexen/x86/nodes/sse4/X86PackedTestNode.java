package dev.trufflexen.x86.nodes.sse4;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86FlagState;

/** PTEST: ZF when source AND destination is zero, CF when source AND NOT destination is zero; AF, OF, PF, SF cleared. */
public final class X86PackedTestNode extends X86XmmSourceNode {
    private final int destination;

    public X86PackedTestNode(long rip, int length, int destination, int sourceKind, int sourceRegister, X86AddressNode address) {
        super(rip, length, sourceKind, sourceRegister, address, 16, true);
        this.destination = destination;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = sourceAddress(frame, cpu);
        long s0 = sourceQword(frame, cpu, linear, 0);
        long s1 = sourceQword(frame, cpu, linear, 1);
        long[] xmm = cpu.fpu().xmmArray();
        long d0 = xmm[destination * 2];
        long d1 = xmm[destination * 2 + 1];
        long flags = X86FlagState.materialize(frame);
        flags &= ~(X86Rflags.CF | X86Rflags.PF | X86Rflags.AF | X86Rflags.ZF | X86Rflags.SF | X86Rflags.OF);
        flags = X86FlagState.withFlag(flags, X86Rflags.ZF, ((s0 & d0) | (s1 & d1)) == 0);
        flags = X86FlagState.withFlag(flags, X86Rflags.CF, ((s0 & ~d0) | (s1 & ~d1)) == 0);
        X86FlagState.setMaterialized(frame, flags);
    }
}

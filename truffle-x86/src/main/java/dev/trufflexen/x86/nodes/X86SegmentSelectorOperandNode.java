package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;

/** A segment selector as a read-only source (MOV r/m, Sreg; PUSH FS/GS). Loads go to the platform as #GP. */
public final class X86SegmentSelectorOperandNode extends X86OperandNode {
    private final int segment;

    public X86SegmentSelectorOperandNode(int segment, int size) {
        super(size);
        this.segment = segment;
    }

    @Override
    public long read(VirtualFrame frame, X86Cpu cpu) {
        return cpu.segment(segment);
    }

    @Override
    public void write(VirtualFrame frame, X86Cpu cpu, long value) {
        throw CompilerDirectives.shouldNotReachHere("segment loads are not translated");
    }
}

package dev.trufflexen.x86.nodes.sse;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * EMMS: marks every x87 register empty, leaving MMX state for x87 code. TOP becomes 0 as well,
 * as on the AMD host (the differential tester shows it; Intel's manual only names the tags).
 */
public final class X86EmmsNode extends X86InstructionNode {
    public X86EmmsNode(long rip, int length) {
        super(rip, length);
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        X86MmxRegisters.checkPending(cpu.fpu());
        cpu.fpu().setTagWord(0xFFFF);
        cpu.fpu().setTop(0);
    }
}

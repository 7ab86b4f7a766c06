package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * An instruction whose whole effect is an exception: UD2 and invalid encodings (#UD),
 * privileged or I/O instructions at CPL 3 (#GP(0), which the platform may emulate), INT n and
 * INT3 (software interrupts, delivered with RIP after the instruction).
 */
public final class X86RaiseFaultNode extends X86InstructionNode {
    private final X86Fault fault;
    private final boolean trap;

    public X86RaiseFaultNode(long rip, int length, X86Fault fault, boolean trap) {
        super(rip, length);
        this.fault = fault;
        this.trap = trap;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        throw trap ? cpu.exit().trap(fault, nextRip()) : cpu.exit().raise(fault);
    }
}

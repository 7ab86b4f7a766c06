package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.Node;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * One decoded guest instruction, specialized to its form: operands, sizes and immediates are
 * final fields, so partial evaluation turns {@link #execute} into straight-line code.
 *
 * <p>Contract: an instruction that can fault performs every check (memory reads, writes, divide
 * checks) before it changes a register or the flags, so that a fault leaves the frame exactly as
 * it was before the instruction.
 */
public abstract class X86InstructionNode extends Node {
    protected final long rip;
    protected final int length;

    protected X86InstructionNode(long rip, int length) {
        this.rip = rip;
        this.length = length;
    }

    public final long rip() {
        return rip;
    }

    public final int length() {
        return length;
    }

    public final long nextRip() {
        return rip + length;
    }

    public abstract void execute(VirtualFrame frame, X86Cpu cpu);

    public static long getRegister(VirtualFrame frame, int reg) {
        return X86FrameRegisters.read(frame, reg);
    }

    public static void setRegister(VirtualFrame frame, int reg, long value) {
        X86FrameRegisters.write(frame, reg, value);
    }
}

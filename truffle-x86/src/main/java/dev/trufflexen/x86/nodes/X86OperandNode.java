package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.Node;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * An instruction operand of a fixed size: a register (or part of one), a memory location, or an
 * immediate. Reads return the value zero-extended from the operand size; writes apply the x86
 * partial-register rules (32-bit writes zero-extend, 8/16-bit writes merge).
 */
public abstract class X86OperandNode extends Node {
    protected final int size;

    protected X86OperandNode(int size) {
        this.size = size;
    }

    public final int size() {
        return size;
    }

    public abstract long read(VirtualFrame frame, X86Cpu cpu);

    public abstract void write(VirtualFrame frame, X86Cpu cpu, long value);

    /** The read of a read-modify-write; memory operands check write permission first. */
    public long readForWrite(VirtualFrame frame, X86Cpu cpu) {
        return read(frame, cpu);
    }

    /**
     * The write of a read-modify-write, after {@link #readForWrite} of the same operand: a memory
     * operand's site cache then holds the page already, so its miss path skips the inline TLB
     * probe a plain write's miss makes (code the hit path would carry for nothing).
     */
    public void writeBack(VirtualFrame frame, X86Cpu cpu, long value) {
        write(frame, cpu, value);
    }

    /** The memory operand's address node, or null for registers and immediates. */
    public X86AddressNode address() {
        return null;
    }

    public final boolean isMemory() {
        return address() != null;
    }
}

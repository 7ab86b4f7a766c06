package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86RegisterOperandNode;

/**
 * What a shift or rotate with a masked count of zero still does on hardware: it accesses a memory
 * destination as a read-modify-write (and faults like one, write bit included), and writes a 32-bit register destination back, which
 * clears its upper half. Flags and the value itself are unchanged.
 */
final class X86ZeroCountShift {
    private X86ZeroCountShift() {
    }

    static boolean zeroExtendsOnZeroCount(X86OperandNode destination) {
        return destination.size() == 4 && destination instanceof X86RegisterOperandNode;
    }

    static void execute(VirtualFrame frame, X86Cpu cpu, X86OperandNode destination, boolean zeroExtends) {
        long unchanged = destination.readForWrite(frame, cpu);
        if (zeroExtends) {
            destination.writeBack(frame, cpu, unchanged);
        }
    }
}

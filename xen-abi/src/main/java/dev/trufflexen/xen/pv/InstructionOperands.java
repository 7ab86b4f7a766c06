package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Instruction;

/** The linear address of a decoded instruction's memory operand (64-bit mode: only FS and GS have bases). */
final class InstructionOperands {
    private InstructionOperands() {
    }

    static long address(X86Cpu cpu, X86Instruction insn) {
        long address = insn.displacement();
        if (insn.base() != X86Instruction.NO_REGISTER) {
            address += cpu.reg(insn.base());
        }
        if (insn.index() != X86Instruction.NO_REGISTER) {
            address += cpu.reg(insn.index()) << insn.scaleShift();
        }
        if (insn.addressSize() == 4) {
            address &= 0xFFFF_FFFFL;
        }
        if (insn.segment() == X86Segment.FS) {
            address += cpu.fsBase();
        } else if (insn.segment() == X86Segment.GS) {
            address += cpu.gsBase();
        }
        return address;
    }
}

package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * Decoding the instruction at RIP after it raised #GP(0) at CPL 3, to find the ones the hardware
 * under Xen would have carried out for the guest without Xen's help ({@code sysenter}, segment
 * loads and the descriptor-table instructions, which the CPU leaves to its platform).
 */
final class RingThreeInstructions {
    static final int TWO_BYTE = 0x100;
    static final int SYSENTER = TWO_BYTE | 0x34;

    private RingThreeInstructions() {
    }

    /** The instruction at RIP, read as guest code; an unreadable one decodes as invalid. */
    static X86Instruction decode(X86Cpu cpu) {
        byte[] one = new byte[1];
        return X86Decoder.decode(address -> cpu.copyFromGuest(address, one, 0, 1) ? one[0] & 0xFF
                : X86Mmu.fetchFaultCode(), cpu.rip());
    }

    static boolean isSysenter(X86Instruction insn) {
        return insn.isValid() && insn.opcode() == SYSENTER;
    }
}

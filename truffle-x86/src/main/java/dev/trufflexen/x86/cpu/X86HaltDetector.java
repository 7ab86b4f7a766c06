package dev.trufflexen.x86.cpu;

import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * HLT is privileged: at CPL 3 it raises #GP(0) with RIP at the instruction, like every other
 * privileged instruction. A platform that gives HLT a meaning of its own (a test harness that
 * stops there, a hypervisor idling the vCPU) recognises it in its #GP handler with {@link #isHalt}.
 */
public final class X86HaltDetector {
    private static final int HLT = 0xF4;

    private X86HaltDetector() {
    }

    /** True when {@code fault} is the #GP(0) of a HLT (with any prefixes) at {@code cpu.rip()}. */
    public static boolean isHalt(X86Cpu cpu, X86Fault fault) {
        if (fault.vector() != X86Fault.GP || fault.errorCode() != 0 || fault.isSoftwareInterrupt()) {
            return false;
        }
        byte[] one = new byte[1];
        X86Instruction insn = X86Decoder.decode(address -> cpu.copyFromGuest(address, one, 0, 1) ? one[0] & 0xFF
                : X86Mmu.fetchFaultCode(), cpu.rip());
        return insn.isValid() && insn.opcode() == HLT;
    }
}

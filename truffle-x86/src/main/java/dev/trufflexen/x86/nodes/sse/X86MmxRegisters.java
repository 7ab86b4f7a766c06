package dev.trufflexen.x86.nodes.sse;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * The MMX registers MM0-MM7: the significands of the x87 physical registers R0-R7. Every MMX
 * instruction (except EMMS) first switches the x87 unit to MMX mode: TOP = 0 and every tag
 * valid; a write to MMn also sets Rn's sign and exponent to all ones. An MMX instruction with an
 * unmasked x87 exception pending (FSW.ES) raises #MF first.
 */
final class X86MmxRegisters {
    private X86MmxRegisters() {
    }

    static long read(X86FpuState fpu, int mm) {
        return fpu.significand(mm & 7);
    }

    /** #MF when an unmasked x87 exception is pending. */
    static void checkPending(X86FpuState fpu) {
        if ((fpu.statusWord() & 0x80) != 0) {
            throw X86ExitException.fault(X86Fault.MF);
        }
    }

    static void enter(X86FpuState fpu) {
        fpu.setTop(0);
        fpu.setTagWord(0);
    }

    static void write(X86FpuState fpu, int mm, long value) {
        fpu.setRegister(mm & 7, value, 0xFFFF);
    }
}

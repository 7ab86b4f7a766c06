package dev.trufflexen.x86.nodes.sse;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.nodes.X86Likelihood;
import dev.trufflexen.x86.runtime.X86ExitException;

/** 16-byte guest memory accesses of SSE instructions: alignment checks and all-or-nothing page checks. */
public final class X86SseMemory {
    private X86SseMemory() {
    }

    public static X86ExitException generalProtection() {
        return X86ExitException.generalProtection();
    }

    /** #GP(0) unless {@code linear} is 16-byte aligned (FXSAVE, FXRSTOR, the non-temporal stores). */
    public static void checkAligned(long linear) {
        if ((linear & 15) != 0) {
            throw generalProtection();
        }
    }

    /**
     * The alignment check of the aligned SSE forms (MOVAPS, MOVDQA, most packed operands): #GP(0)
     * unless {@code linear} is 16-byte aligned or MXCSR.MM (AMD's misaligned SSE mode) is set.
     */
    public static void checkAligned(X86Cpu cpu, long linear) {
        if ((linear & 15) != 0 && (cpu.fpu().mxcsr() & X86FpuState.MXCSR_MISALIGNED_MASK) == 0) {
            throw generalProtection();
        }
    }

    /** When a 16-byte read crosses a page, both pages are checked before anything is read. */
    public static void probeRead16(X86Cpu cpu, long linear) {
        if ((linear & 0xFFF) > 0xFF0) {
            X86GuestMemory.read(cpu, linear, 1);
            X86GuestMemory.read(cpu, (linear | 0xFFF) + 1, 1);
        }
    }

    /**
     * The quadword at {@code offset} (0 or 8) of the 16-byte operand at {@code linear}, after
     * {@link #probeRead16}: the TLB compare is the one for all 16 bytes at {@code linear} (the
     * same entry, page and compare for both halves, so the compiler can keep one of them), and a
     * miss or a page crossing reads the half on its own.
     */
    public static long read16Half(X86Cpu cpu, long linear, int offset) {
        long[] tlb = cpu.tlb();
        int entry = X86Mmu.entryOffset(linear);
        if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.READ) == X86GuestMemory.lastBytePage(linear, 16))) {
            return X86GuestMemory.load(X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linear + offset, 8);
        }
        return X86GuestMemory.read(cpu, linear + offset, 8);
    }

    /** Checks that {@code size} bytes at {@code linear} are writable (a fault reports the first inaccessible page). */
    public static void probeWrite(X86Cpu cpu, long linear, int size) {
        X86GuestMemory.readForWrite(cpu, linear, 1);
        if ((linear & 0xFFF) > 0x1000 - size) {
            X86GuestMemory.readForWrite(cpu, (linear | 0xFFF) + 1, 1);
        }
    }

    /** Writes 16 bytes; when they cross a page, both pages are checked for writing first. */
    public static void write16(X86Cpu cpu, long linear, long low, long high) {
        X86GuestMemory.write16(cpu, linear, low, high);
    }
}
